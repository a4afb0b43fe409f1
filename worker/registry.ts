import { backoffStrategies } from "agenda";
import { config } from "../shared/config.js";
import { JOB_NAMES, type JobName } from "../shared/jobs/jobMap.js";
import { logger } from "../shared/logger.js";
import type { WorkerDeps } from "./deps.js";
import completePastStays from "./jobs/completePastStays.js";
import { type JobDefinition, PermanentJobError } from "./jobs/defineJob.js";
import expireUnpaidHolds from "./jobs/expireUnpaidHolds.js";
import ping from "./jobs/ping.js";
import pruneEvents from "./jobs/pruneEvents.js";
import pruneIdempotencyKeys from "./jobs/pruneIdempotencyKeys.js";
import publishEvents from "./jobs/publishEvents.js";
import reconcilePayments from "./jobs/reconcilePayments.js";
import refundPayment from "./jobs/refundPayment.js";
import relayOutbox from "./jobs/relayOutbox.js";
import sendEmail from "./jobs/sendEmail.js";

/** Every job file. A name that is not in JobMap, or one defined twice, stops the worker at start. */
export const allJobs: JobDefinition<any>[] = [
  ping,
  sendEmail,
  refundPayment,
  relayOutbox,
  publishEvents,
  expireUnpaidHolds,
  completePastStays,
  reconcilePayments,
  pruneEvents,
  pruneIdempotencyKeys,
];

export function checkRegistry(jobs: JobDefinition<any>[]): Map<JobName, JobDefinition<any>> {
  const byName = new Map<JobName, JobDefinition<any>>();
  for (const job of jobs) {
    if (!JOB_NAMES.includes(job.name)) throw new Error(`job registry: unknown job name "${job.name}"`);
    if (byName.has(job.name)) throw new Error(`job registry: job "${job.name}" is defined twice`);
    byName.set(job.name, job);
  }
  return byName;
}

export function concurrencyFor(name: JobName, fallback = config.JOB_CONCURRENCY): number {
  // JOB_CONCURRENCY_<NAME> overrides one job, e.g. JOB_CONCURRENCY_SENDEMAIL=20.
  const override = Number(process.env[`JOB_CONCURRENCY_${name.toUpperCase()}`]);
  return Number.isInteger(override) && override > 0 ? override : fallback;
}

/** Defines every job on the worker's Agenda, with retries, per-job concurrency and logging. */
export function registerJobs(deps: WorkerDeps, jobs: JobDefinition<any>[] = allJobs): void {
  const { agenda } = deps.queue;
  const exponential = backoffStrategies.exponential({
    delay: config.JOB_BACKOFF_MS,
    maxDelay: config.JOB_BACKOFF_MAX_MS,
    maxRetries: config.JOB_MAX_ATTEMPTS - 1,
    jitter: 0.2,
  });
  for (const def of checkRegistry(jobs).values()) {
    const retry = def.options?.retry !== false;
    agenda.define(
      def.name,
      async (job) => {
        const log = logger.child({ job: def.name, jobId: String(job.attrs._id) });
        try {
          await def.handler(job.attrs.data as never, { deps, log, job: job as never });
          // Debug: one line per run, with the run's start, so runs can be counted across workers.
          log.debug({ startedAt: job.attrs.lastRunAt?.toISOString(), worker: process.pid }, "job ran");
        } catch (err) {
          log.warn({ err: (err as Error).message, attempt: (job.attrs.failCount ?? 0) + 1 }, "job failed");
          throw err;
        }
      },
      {
        // Per job; JOB_CONCURRENCY_<NAME> overrides the file's default, JOB_CONCURRENCY the global one.
        concurrency: concurrencyFor(def.name, def.options?.concurrency ?? config.JOB_CONCURRENCY),
        lockLimit: config.JOB_LOCK_LIMIT,
        priority: def.options?.priority,
        removeOnComplete: def.options?.removeOnComplete ?? false,
        backoff: retry
          ? (ctx) => {
              // A permanent failure is not retried; a transient one backs off exponentially with jitter.
              if (ctx.error instanceof PermanentJobError || ctx.error?.name === "PermanentJobError") return null;
              return exponential(ctx);
            }
          : undefined,
      },
    );
  }
}
