import type { Agenda, DrainResult, Job, JobNotification } from "agenda";
import { config } from "../shared/config.js";
import { openQueue, processName, type Queue } from "../shared/jobs/queue.js";
import { logger } from "../shared/logger.js";

/** The worker's Agenda: processes jobs. Polling is short because retries only start at a poll. */
export function openWorkerQueue(): Promise<Queue> {
  return openQueue({
    name: processName("worker"),
    processEveryMs: config.JOB_PROCESS_EVERY_MS,
    lockLifetimeMs: config.JOB_LOCK_LIFETIME_MS,
    maxConcurrency: config.WORKER_MAX_CONCURRENCY,
  });
}

type ProcessorView = { jobProcessor?: { lockedJobs: Job[]; runningJobs: Job[] } };

/**
 * Stops taking jobs, lets running ones finish (up to `timeoutMs`), then releases the jobs this worker
 * had locked but not started. Agenda's drain() leaves those locked, so another worker could only
 * take them once their lock expired (JOB_LOCK_LIFETIME_MS): a scheduled task locked just before its
 * tick would skip ticks for that long after every deploy.
 */
export async function drainAndRelease(agenda: Agenda, timeoutMs: number): Promise<DrainResult & { released: number }> {
  // Agenda keeps these lists private; read them before drain() drops the processor.
  const processor = (agenda as unknown as ProcessorView).jobProcessor;
  // closeConnection false: the store must still answer the unlock; Queue#close closes it after.
  const result = await agenda.drain({ timeout: timeoutMs, closeConnection: false });
  if (!processor) return { ...result, released: 0 };
  const running = new Set(processor.runningJobs.map((j) => String(j.attrs._id)));
  const idle = processor.lockedJobs.filter((j) => !running.has(String(j.attrs._id))).map((j) => j.attrs._id!);
  if (idle.length) await agenda.db.unlockJobs(idle);
  return { ...result, released: idle.length };
}

/**
 * Every few seconds, lets the locks this worker holds in the store but not in memory lapse at once.
 * Why: when the store goes away mid-run (a PostgreSQL restart), Agenda cannot write the run's end, so
 * the job stays locked by us in the table although we no longer hold or run it; every worker would
 * then wait out JOB_LOCK_LIFETIME_MS (a minute) before running it again. Locks younger than
 * `graceMs` are left alone: one may be a lock just taken whose job is not in memory yet; so are the
 * jobs in `alsoKeep` (handlers still running that Agenda gave up on).
 */
export function lapseForgottenLocks(
  queue: Queue,
  { everyMs = 2000, graceMs = 2000, alsoKeep = new Set<string>() as ReadonlySet<string> } = {},
): () => void {
  const processor = () => (queue.agenda as unknown as ProcessorView).jobProcessor;
  let running = false;
  const timer = setInterval(async () => {
    const held = processor();
    if (!held || running) return;
    running = true;
    try {
      const keep = [...[...held.lockedJobs, ...held.runningJobs].map((j) => String(j.attrs._id)), ...alsoKeep];
      const lapsed = await queue.lapseOwnLocks(keep, graceMs);
      if (lapsed)
        logger.info({ lapsed }, "locks left over from runs whose end was not recorded now lapse; jobs run again");
    } catch {
      // The store is away; the next tick tries again.
    } finally {
      running = false;
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

const dueAt = (n: JobNotification) => (n.nextRunAt ? new Date(n.nextRunAt).getTime() : 0);

type Channel = {
  subscribe(handler: (n: JobNotification) => Promise<void> | void): () => void;
  publishState?: unknown;
  subscribeState?: unknown;
};

/**
 * Throughput tuning of Agenda's notification path (measured in scripts/bench/jobs.ts), applied to
 * the worker's channel before start():
 * - every "new job" notification makes Agenda run a fill for that job name (lock jobs one by one
 *   until none is left, the last query finding nothing). A burst of N jobs thus ran N fills at once,
 *   N² lock attempts. Here notifications for a name are coalesced: while a fill runs, later ones
 *   only ask for ONE more fill after it, which finds whatever arrived meanwhile.
 * - Agenda broadcasts start/success/complete of every job to every process (3 NOTIFYs per job)
 *   so that agenda.on("success") fires remotely; nothing here listens, so it is switched off.
 */
export function tuneNotifications(agenda: Agenda): void {
  const channel = (agenda as unknown as { notificationChannel?: Channel }).notificationChannel;
  if (!channel) return;
  channel.publishState = undefined;
  channel.subscribeState = undefined;
  const subscribe = channel.subscribe.bind(channel);
  channel.subscribe = (handler) => {
    const pending = new Map<string, { next: JobNotification | null }>();
    return subscribe(async (notification) => {
      const inFlight = pending.get(notification.jobName);
      if (inFlight) {
        // Keep the most urgent: Agenda ignores a notification whose job is due after its next poll.
        if (!inFlight.next || dueAt(notification) < dueAt(inFlight.next)) inFlight.next = notification;
        return;
      }
      const entry: { next: JobNotification | null } = { next: notification };
      pending.set(notification.jobName, entry);
      try {
        while (entry.next) {
          const current = entry.next;
          entry.next = null;
          await handler(current);
        }
      } finally {
        pending.delete(notification.jobName);
      }
    });
  };
}
