import type {
  Agenda,
  AgendaStatus,
  DrainResult,
  JobNotification,
  JobWithId,
  NotificationChannel,
  NotificationChannelState,
  NotificationHandler,
} from "agenda";
import { config } from "../shared/config.js";
import { openQueue, processName, type Queue } from "../shared/jobs/queue.js";
import { logger } from "../shared/logger.js";

/**
 * The worker's Agenda: processes jobs. Polling is short because retries only start at a poll. Its
 * notification channel is tuned for throughput (see CoalescingChannel).
 */
export function openWorkerQueue(): Promise<Queue> {
  return openQueue({
    name: processName("worker"),
    processEveryMs: config.JOB_PROCESS_EVERY_MS,
    lockLifetimeMs: config.JOB_LOCK_LIFETIME_MS,
    maxConcurrency: config.WORKER_MAX_CONCURRENCY,
    wrapChannel: (channel) => new CoalescingChannel(channel),
  });
}

/** The ids of the jobs this process holds in memory: locked ahead, and running (Agenda's own stats). */
async function heldJobs(agenda: Agenda): Promise<{ locked: string[]; running: string[] } | null> {
  if (!agenda.isActiveJobProcessor()) return null;
  const stats = await agenda.getRunningStats(true);
  const ids = (jobs: AgendaStatus["lockedJobs"]) =>
    Array.isArray(jobs) ? jobs.filter((j) => j._id !== undefined).map((j) => String(j._id)) : [];
  return { locked: ids(stats.lockedJobs), running: ids(stats.runningJobs) };
}

/**
 * Stops taking jobs, lets running ones finish (up to `timeoutMs`), then releases the jobs this worker
 * had locked but not started. Agenda's drain() leaves those locked, so another worker could only
 * take them once their lock expired (JOB_LOCK_LIFETIME_MS): a scheduled task locked just before its
 * tick would skip ticks for that long after every deploy.
 */
export async function drainAndRelease(agenda: Agenda, timeoutMs: number): Promise<DrainResult & { released: number }> {
  // Read what is held before drain(), which drops the processor (and its stats) when done. A job
  // locked ahead may still start while draining: those are noted and not released.
  const held = await heldJobs(agenda).catch(() => null);
  const started = new Set<string>();
  const onStart = (job: JobWithId) => void started.add(String(job.attrs._id));
  agenda.on("start", onStart);
  // closeConnection false: the store must still answer the unlock; Queue#close closes it after.
  const result = await agenda.drain({ timeout: timeoutMs, closeConnection: false }).finally(() => {
    agenda.off("start", onStart);
  });
  if (!held) return { ...result, released: 0 };
  const running = new Set([...held.running, ...started]);
  const idle = held.locked.filter((id) => !running.has(id));
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
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      const held = await heldJobs(queue.agenda);
      if (!held) return;
      const keep = [...held.locked, ...held.running, ...alsoKeep];
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

/**
 * Throughput tuning of Agenda's notification path (measured in scripts/bench/jobs.ts): the worker's
 * channel, wrapped before Agenda gets it (the `notificationChannel` option):
 * - every "new job" notification makes Agenda run a fill for that job name (lock jobs one by one
 *   until none is left, the last query finding nothing). A burst of N jobs thus ran N fills at once,
 *   N² lock attempts. Here notifications for a name are coalesced: while a fill runs, later ones
 *   only ask for ONE more fill after it, which finds whatever arrived meanwhile.
 * - Agenda broadcasts start/success/complete of every job to every process (3 NOTIFYs per job)
 *   so that agenda.on("success") fires remotely; nothing here listens, so this channel offers no
 *   publishState/subscribeState (optional in NotificationChannel) and Agenda sends none.
 */
class CoalescingChannel implements NotificationChannel {
  constructor(private readonly inner: NotificationChannel) {}

  get state(): NotificationChannelState {
    return this.inner.state;
  }

  connect(): Promise<void> {
    return this.inner.connect();
  }

  disconnect(): Promise<void> {
    return this.inner.disconnect();
  }

  publish(notification: JobNotification): Promise<void> {
    return this.inner.publish(notification);
  }

  on(event: "stateChange", listener: (state: NotificationChannelState) => void): this;
  on(event: "error", listener: (error: Error) => void): this;
  on(event: "stateChange" | "error", listener: (arg: never) => void): this {
    this.inner.on(event as "error", listener as (error: Error) => void);
    return this;
  }

  off(event: "stateChange", listener: (state: NotificationChannelState) => void): this;
  off(event: "error", listener: (error: Error) => void): this;
  off(event: "stateChange" | "error", listener: (arg: never) => void): this {
    this.inner.off(event as "error", listener as (error: Error) => void);
    return this;
  }

  subscribe(handler: NotificationHandler): () => void {
    const pending = new Map<string, { next: JobNotification | null }>();
    return this.inner.subscribe(async (notification) => {
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
  }
}
