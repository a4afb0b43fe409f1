import type { Orm } from "../db/orm.js";
import { sql } from "../db/sql.js";
import { logger } from "../logger.js";
import type { EventType } from "./eventMap.js";
import type { EventPublisher, PublishableEvent } from "./publisher.js";

/** An events row as PostgreSQL returns it (or as to_jsonb renders it). */
export interface EventRow {
  id: string;
  type: EventType;
  user_ids: string[];
  listing_id: string | null;
  data: never;
  created_at: Date;
}

export function rowToPublishable(row: EventRow): PublishableEvent {
  return {
    envelope: { id: Number(row.id), type: row.type, at: new Date(row.created_at).toISOString(), data: row.data },
    userIds: row.user_ids,
    listingId: row.listing_id,
  };
}

const RELAY_BATCH = 500;

/** Held by whoever is publishing (any process): events leave in one global id order. */
const EVENT_PUBLISH_LOCK = 0x6e657876; // "nexv"

/**
 * Publishes, in id order, events committed but not yet published. Every publisher of every process
 * (web fast path, web sweep, worker relay job) goes through here under one advisory lock, and events
 * become visible in id order (see recordEvents), so the Socket.IO stream carries events in strictly
 * increasing id order: a client whose greatest id seen is N has seen every earlier event of its own,
 * and resuming "after N" is exact.
 *
 * One statement takes the lock, picks the oldest unpublished events and marks them; they are then
 * sent and the transaction commits. If sending fails it rolls back: nothing stays marked. (Its
 * snapshot may predate the lock: it then sees a prefix of the ids, still in order, and re-checks
 * `published_at` on rows the previous holder just marked.) With `minAgeMs`, only the prefix up to
 * the newest event at least that old is sent. Returns how many were published.
 */
export async function publishPendingEvents(
  orm: Orm,
  publisher: EventPublisher,
  options: { limit?: number; minAgeMs?: number } = {},
): Promise<number> {
  const em = orm.em.fork();
  return em.transactional(async (tx) => {
    const upTo = options.minAgeMs
      ? `and id <= (select max(id) from events where published_at is null
                     and created_at < now() - (${Number(options.minAgeMs)} * interval '1 millisecond'))`
      : "";
    const rows = await sql(tx)<EventRow>(
      `with lock as (select pg_advisory_xact_lock(?)),
            picked as (select id from events, lock where published_at is null ${upTo} order by id limit ?)
       update events e set published_at = now() from picked
        where e.id = picked.id and e.published_at is null
       returning e.id, e.type, e.user_ids, e.listing_id, e.data, e.created_at`,
      [EVENT_PUBLISH_LOCK, options.limit ?? RELAY_BATCH],
    );
    if (!rows.length) return 0;
    await publisher.publish(rows.map(rowToPublishable).sort((a, b) => a.envelope.id - b.envelope.id));
    return rows.length;
  });
}

/** True when some committed event is still unpublished (cheap: a partial index holds only those). */
export async function hasPendingEvents(orm: Orm): Promise<boolean> {
  const rows = await orm.em
    .getConnection()
    .execute<{ pending: boolean }[]>("select exists(select 1 from events where published_at is null) as pending");
  return rows[0]?.pending === true;
}

export interface OrderedPublisher extends EventPublisher {
  /** Publishes everything pending, in order; resolves when a run that started after this call is done. */
  drain(): Promise<number>;
  stop(): void;
}

/**
 * The fast path of a process: after a commit, `publish` does not emit the command's own events
 * directly but drains every pending event in id order through `publishPendingEvents`, so a fresh
 * event can never overtake an older one still waiting (Redis was down, another process died). Runs
 * are coalesced: at most one runs and one waits per process. It throws when the events could not be
 * sent, so `runCommand` leaves them to the relay.
 *
 * `sweepEveryMs` also drains on a timer (when something is pending), and `wakeOn` drains shortly after
 * the adapter's Redis is back, so a backlog goes out without waiting for the next command.
 */
export function createOrderedPublisher(
  orm: Orm,
  emitter: EventPublisher,
  options: { sweepEveryMs?: number; wakeOn?: { on(event: "ready", listener: () => void): unknown } } = {},
): OrderedPublisher {
  let running: Promise<number> | null = null;
  let queued: Promise<number> | null = null;

  async function runOnce(): Promise<number> {
    if (emitter.isReady?.() === false) throw new Error("the event publisher is not ready (Redis down)");
    // A short batch means everything visible was sent; what commits later triggers its own run.
    let total = 0;
    for (let batch = RELAY_BATCH; batch === RELAY_BATCH; ) {
      batch = await publishPendingEvents(orm, emitter, { limit: RELAY_BATCH });
      total += batch;
    }
    return total;
  }

  function drain(): Promise<number> {
    if (!running) {
      running = runOnce().finally(() => {
        running = null;
      });
      return running;
    }
    // A run is in progress and may have read the table before our commit: queue one more after it.
    queued ??= running
      .catch(() => 0)
      .then(() => {
        queued = null;
        return drain();
      });
    return queued;
  }

  let warned = false;
  const background = () =>
    drain().then(
      (published) => {
        if (published && warned) logger.info({ published }, "relay caught up with unpublished events");
        warned = false;
      },
      (err) => {
        if (!warned) logger.warn({ err: (err as Error).message }, "events stay unpublished until Redis is back");
        warned = true;
      },
    );
  let stopped = false;
  const sweep = async () => {
    if (!stopped && (await hasPendingEvents(orm).catch(() => false))) await background();
  };
  const timer = options.sweepEveryMs ? setInterval(() => void sweep(), options.sweepEveryMs) : null;
  timer?.unref();
  // The adapter's stream reader reconnects on its own connection; give it a moment to be reading again.
  options.wakeOn?.on("ready", () => setTimeout(() => void sweep(), 300).unref());

  return {
    marksPublished: true,
    publish: async () => {
      await drain();
    },
    drain,
    stop: () => {
      stopped = true;
      if (timer) clearInterval(timer);
    },
  };
}
