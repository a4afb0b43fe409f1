import { hostname } from "node:os";
import { MongoBackend } from "@agendajs/mongo-backend";
import { PostgresBackend, PostgresNotificationChannel } from "@agendajs/postgres-backend";
import { RedisNotificationChannel } from "@agendajs/redis-backend";
import { Agenda, type Job, type NotificationChannel } from "agenda";
import pg from "pg";
import { config } from "../config.js";
import { logger } from "../logger.js";
import type { JobMap, JobName } from "./jobMap.js";

export type QueueKind = "postgres" | "mongodb";

/**
 * How a process names itself in the job store (`last_modified_by`): unique per process across
 * machines, since every container's main process may be pid 1. Workers recognise their own locks by it.
 */
export const processName = (kind: "web" | "worker") => `${kind}-${process.pid}@${hostname()}`;

export function queueKind(url = config.queueUrl): QueueKind {
  return url.startsWith("mongodb") ? "mongodb" : "postgres";
}

export interface QueueOptions {
  /** Identifies this process in the job store (lastModifiedBy). */
  name: string;
  url?: string;
  processEveryMs?: number;
  maxConcurrency?: number;
  lockLifetimeMs?: number;
  /**
   * Wraps the notification channel this module creates before Agenda gets it (the `notificationChannel`
   * option): the worker tunes its notification path this way (worker/agenda.ts).
   */
  wrapChannel?: (channel: NotificationChannel) => NotificationChannel;
}

export interface Queue {
  agenda: Agenda;
  kind: QueueKind;
  /** The channel given to Agenda (ours, so we may connect and disconnect it ourselves). */
  notificationChannel: NotificationChannel;
  /** Answers when the job store does; throws otherwise (readiness). */
  ping(): Promise<void>;
  /**
   * Makes the locks this process holds in the store, on jobs other than `keep` and taken more than
   * `olderThanMs` ago, lapse at once (as if their lock lifetime had passed), so any worker runs those
   * jobs again now. Returns how many. PostgreSQL store only (0 on MongoDB, where locks lapse with time).
   */
  lapseOwnLocks(keep: string[], olderThanMs: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * An Agenda on the configured store. PostgreSQL: the app database by default, with LISTEN/NOTIFY.
 * MongoDB: storage only, so Redis pub/sub carries the "new job" notifications.
 */
export async function openQueue(options: QueueOptions): Promise<Queue> {
  const url = options.url ?? config.queueUrl;
  const kind = queueKind(url);
  const common = {
    name: options.name,
    processEvery: options.processEveryMs ?? config.JOB_PROCESS_EVERY_MS,
    maxConcurrency: options.maxConcurrency ?? 50,
    defaultLockLifetime: options.lockLifetimeMs ?? config.JOB_LOCK_LIFETIME_MS,
    removeOnComplete: false,
  };
  if (kind === "postgres") {
    const pool = new pg.Pool({
      connectionString: url,
      max: 10,
      connectionTimeoutMillis: config.DATABASE_CONNECT_TIMEOUT_MS,
    });
    pool.on("error", (err) => logger.warn({ err: err.message }, "job store pool error"));
    // Agenda reports a failed connect as an unhandled rejection; find out here, with a clear error.
    await pool.query("select 1");
    // ensureSchema: false — the table is created by a migration; concurrent CREATE TABLE IF NOT
    // EXISTS from several starting workers makes one of them crash. The notification channel is ours
    // (below), not the backend's: that one gives up reconnecting after 10 attempts.
    const backend = new PostgresBackend({ pool, ensureSchema: false, disableNotifications: true });
    const channel = new PostgresNotificationChannel({
      pool,
      reconnect: { enabled: true, maxAttempts: Number.POSITIVE_INFINITY, initialDelayMs: 250, maxDelayMs: 5000 },
    });
    watchChannel(channel, options.name);
    const notificationChannel = options.wrapChannel?.(channel) ?? channel;
    const agenda = watchAgenda(new Agenda({ backend, notificationChannel, ...common }), options.name);
    return {
      agenda,
      kind,
      notificationChannel,
      ping: async () => void (await pool.query("select 1")),
      // 'epoch', not NULL: a one-off job's next_run_at is NULL once it started, and Agenda re-runs
      // such a job only through an expired lock. The partial index on locked_at keeps this cheap.
      lapseOwnLocks: async (keep, olderThanMs) =>
        (
          await pool.query(
            `update agenda_jobs set locked_at = 'epoch'
              where locked_at is not null and locked_at > 'epoch' and last_modified_by = $1
                and locked_at < now() - $2 * interval '1 millisecond' and id <> all($3::uuid[])`,
            [options.name, olderThanMs, keep],
          )
        ).rowCount ?? 0,
      close: async () => {
        await stopAgenda(agenda, notificationChannel, backend);
        await pool.end();
      },
    };
  }
  const backend = new MongoBackend({ address: url });
  const channel = new RedisNotificationChannel({ connectionString: config.REDIS_URL });
  watchChannel(channel, options.name);
  const notificationChannel = options.wrapChannel?.(channel) ?? channel;
  const agenda = watchAgenda(new Agenda({ backend, notificationChannel, ...common }), options.name);
  return {
    agenda,
    kind,
    notificationChannel,
    ping: async () => void (await agenda.queryJobs({ limit: 1 })),
    lapseOwnLocks: async () => 0,
    close: () => stopAgenda(agenda, notificationChannel, backend),
  };
}

interface WatchedChannel {
  on(event: "error", listener: (err: Error) => void): unknown;
  on(event: "stateChange", listener: (state: string) => void): unknown;
}

/**
 * The channel's LISTEN connection dies with every database restart and it emits "error" each time,
 * and again on each failed reconnect: unhandled, that event ends the process. Jobs are still found by
 * polling meanwhile (JOB_PROCESS_EVERY_MS), so this only logs: once when it is lost, once when back.
 */
function watchChannel(channel: WatchedChannel, name: string): void {
  let lost = false;
  channel.on("error", (err) => {
    if (!lost) logger.warn({ queue: name, err: err.message }, "job notifications lost; polling until they are back");
    lost = true;
  });
  channel.on("stateChange", (state) => {
    if (state === "connected" && lost) logger.info({ queue: name }, "job notifications back");
    if (state === "connected") lost = false;
  });
}

/**
 * Agenda emits "error" for failed polls and lock attempts (the store being away): log, never throw.
 * They come in bursts (one per poll and job name while the database is away): the first is logged,
 * then one line every 10 s with how many were left out.
 */
function watchAgenda(agenda: Agenda, name: string): Agenda {
  let last = 0;
  let suppressed = 0;
  agenda.on("error", (err: Error) => {
    if (Date.now() - last < 10_000) {
      suppressed++;
      return;
    }
    logger.warn({ queue: name, err: err.message, suppressed }, "job store error");
    last = Date.now();
    suppressed = 0;
  });
  return agenda;
}

/**
 * agenda.stop() does nothing on an Agenda that never started processing (a producer), yet its
 * notification channel may hold a LISTEN connection that would keep the pool from ending. Both the
 * channel and the backend are the objects openQueue created, so they are closed here directly.
 */
async function stopAgenda(
  agenda: Agenda,
  channel: NotificationChannel,
  backend: { disconnect(): Promise<void> },
): Promise<void> {
  await agenda.stop().catch(() => undefined);
  if (channel.state === "connected") await channel.disconnect().catch(() => undefined);
  await backend.disconnect().catch(() => undefined);
}

/**
 * The producer side (web process, relays): connects the notification channel without processing
 * jobs, so a worker is told at once about each new job instead of finding it at its next poll.
 */
export class JobProducer {
  private constructor(private readonly queue: Queue) {}

  static async open(name: string, url?: string): Promise<JobProducer> {
    const queue = await openQueue({ name, url });
    await queue.agenda.ready;
    if (queue.notificationChannel.state !== "connected") await queue.notificationChannel.connect();
    return new JobProducer(queue);
  }

  get agenda(): Agenda {
    return this.queue.agenda;
  }

  ping(): Promise<void> {
    return this.queue.ping();
  }

  async enqueue<N extends JobName>(name: N, data: JobMap[N], opts: { unique?: Record<string, unknown> } = {}) {
    const job = this.queue.agenda.create(name, data);
    if (opts.unique) job.unique(opts.unique);
    job.schedule(new Date());
    await job.save();
    return job as Job<JobMap[N]>;
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
