import { MongoBackend } from "@agendajs/mongo-backend";
import { PostgresBackend } from "@agendajs/postgres-backend";
import { RedisNotificationChannel } from "@agendajs/redis-backend";
import { Agenda, type Job } from "agenda";
import pg from "pg";
import { config } from "../config.js";
import { logger } from "../logger.js";
import type { JobMap, JobName } from "./jobMap.js";

export type QueueKind = "postgres" | "mongodb";

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
}

export interface Queue {
  agenda: Agenda;
  kind: QueueKind;
  /** Answers when the job store does; throws otherwise (readiness). */
  ping(): Promise<void>;
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
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    pool.on("error", (err) => logger.warn({ err: err.message }, "job store pool error"));
    // Agenda reports a failed connect as an unhandled rejection; find out here, with a clear error.
    await pool.query("select 1");
    // ensureSchema: false — the table is created by a migration; concurrent CREATE TABLE IF NOT
    // EXISTS from several starting workers makes one of them crash.
    const backend = new PostgresBackend({ pool, ensureSchema: false });
    const agenda = new Agenda({ backend, ...common });
    return {
      agenda,
      kind,
      ping: async () => void (await pool.query("select 1")),
      close: async () => {
        await stopAgenda(agenda);
        await pool.end();
      },
    };
  }
  const backend = new MongoBackend({ address: url });
  const notificationChannel = new RedisNotificationChannel({ connectionString: config.REDIS_URL });
  const agenda = new Agenda({ backend, notificationChannel, ...common });
  return {
    agenda,
    kind,
    ping: async () => void (await agenda.queryJobs({ limit: 1 })),
    close: () => stopAgenda(agenda),
  };
}

type ChannelHolder = { notificationChannel?: { connect(): Promise<void>; disconnect(): Promise<void>; state: string } };

/**
 * agenda.stop() does nothing on an Agenda that never started processing (a producer), yet its
 * notification channel may hold a LISTEN connection that would keep the pool from ending.
 */
async function stopAgenda(agenda: Agenda): Promise<void> {
  await agenda.stop().catch(() => undefined);
  const channel = (agenda as unknown as ChannelHolder).notificationChannel;
  if (channel && channel.state === "connected") await channel.disconnect().catch(() => undefined);
  await (agenda as unknown as { backend: { disconnect(): Promise<void> } }).backend.disconnect().catch(() => undefined);
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
    const channel = (queue.agenda as unknown as ChannelHolder).notificationChannel;
    if (channel && channel.state !== "connected") await channel.connect();
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
