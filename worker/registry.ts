import { backoffStrategies } from "agenda";
import { config } from "../shared/config.js";
import { isServiceUnavailableError } from "../shared/db/unavailable.js";
import { JOB_NAMES, type JobName } from "../shared/jobs/jobMap.js";
import { logger } from "../shared/logger.js";
import { databaseErrors, jobDuration, jobRuns } from "../shared/metrics.js";
import { SCHEDULES } from "./cron.js";
import type { WorkerDeps } from "./deps.js";
import completePastStays from "./jobs/completePastStays.js";
import declineLapsedRequests from "./jobs/declineLapsedRequests.js";
import { type JobDefinition, PermanentJobError } from "./jobs/defineJob.js";
import expireUnpaidHolds from "./jobs/expireUnpaidHolds.js";
import ping from "./jobs/ping.js";
import pruneEvents from "./jobs/pruneEvents.js";
import pruneIdempotencyKeys from "./jobs/pruneIdempotencyKeys.js";
import pruneLoginEvents from "./jobs/pruneLoginEvents.js";
import pruneWebhookReceipts from "./jobs/pruneWebhookReceipts.js";
import reconcilePayments from "./jobs/reconcilePayments.js";
import refundPayment from "./jobs/refundPayment.js";
import relayOutbox from "./jobs/relayOutbox.js";
import sampleOperations from "./jobs/sampleOperations.js";
import sendEmail from "./jobs/sendEmail.js";
import syncCalendarFeeds from "./jobs/syncCalendarFeeds.js";

/** Every job file. A name that is not in JobMap, or one defined twice, stops the worker at start. */
export const allJobs: JobDefinition<any>[] = [
  ping,
  sendEmail,
  refundPayment,
  relayOutbox,
  expireUnpaidHolds,
  declineLapsedRequests,
  completePastStays,
  reconcilePayments,
  pruneEvents,
  pruneIdempotencyKeys,
  pruneWebhookReceipts,
  pruneLoginEvents,
  syncCalendarFeeds,
  sampleOperations,
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

/**
 * Ids of the jobs whose handler is still running in this worker. Agenda forgets a job it gave up on
 * (its lock lifetime passed, e.g. while sendEmail waits out a database outage to record a sent email)
 * although the handler goes on; lapseForgottenLocks must not hand such a job to another run.
 */
export const handlersRunning = new Set<string>();

/** At least three polls: a task is locked up to one poll ahead of its tick, and must not lapse meanwhile. */
const taskLockLifetimeMs = () => Math.max(config.TASK_LOCK_LIFETIME_MS, 3 * config.JOB_PROCESS_EVERY_MS);

/**
 * Touches a running job's lock every third of its lifetime, so a long run (a big sweep) keeps it.
 * `stop` waits for a touch in flight: one landing after Agenda recorded the run's end would lock the
 * job again until its lifetime passed.
 */
function keepLockAlive(job: { touch(): Promise<void> }, lifetimeMs: number): { stop(): Promise<void> } {
  let inFlight: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    inFlight = job.touch().catch(() => undefined); // the store is away: the lock lapses, another run follows
  }, lifetimeMs / 3);
  return {
    async stop() {
      clearInterval(timer);
      await inFlight;
    },
  };
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
    const task = SCHEDULES.some((s) => s.name === def.name);
    agenda.define(
      def.name,
      async (job) => {
        const log = logger.child({ job: def.name, jobId: String(job.attrs._id) });
        const heartbeat = task ? keepLockAlive(job, taskLockLifetimeMs()) : null;
        const id = String(job.attrs._id);
        handlersRunning.add(id);
        const timer = jobDuration.startTimer({ job: def.name });
        try {
          await def.handler(job.attrs.data as never, { deps, log, job: job as never });
          jobRuns.inc({ job: def.name, outcome: "completed" });
          // Debug: one line per run, with the run's start, so runs can be counted across workers.
          log.debug({ startedAt: job.attrs.lastRunAt?.toISOString(), worker: process.pid }, "job ran");
        } catch (err) {
          const attempt = (job.attrs.failCount ?? 0) + 1;
          const permanent = err instanceof PermanentJobError || (err as Error)?.name === "PermanentJobError";
          // Tasks (retry: false) run again at their next tick anyway: a failed tick is a retry too.
          const again = task || (retry && !permanent && attempt < config.JOB_MAX_ATTEMPTS);
          jobRuns.inc({ job: def.name, outcome: again ? "retry" : "failed" });
          if (isServiceUnavailableError(err)) databaseErrors.inc();
          log.warn({ err: (err as Error).message, attempt }, "job failed");
          throw err;
        } finally {
          timer();
          handlersRunning.delete(id);
          await heartbeat?.stop();
        }
      },
      {
        // Per job; JOB_CONCURRENCY_<NAME> overrides the file's default, JOB_CONCURRENCY the global one.
        concurrency: concurrencyFor(def.name, def.options?.concurrency ?? config.JOB_CONCURRENCY),
        // Tasks: a short lock, so a worker killed while holding one (locked ahead of its tick, or
        // mid-run) delays the task by seconds, not JOB_LOCK_LIFETIME_MS (sized for slow SMTP).
        ...(task ? { lockLifetime: taskLockLifetimeMs() } : {}),
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
