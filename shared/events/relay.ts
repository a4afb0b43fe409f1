import type { Redis } from "ioredis";
import pg from "pg";
import { config } from "../config.js";
import type { Orm } from "../db/orm.js";
import { logger } from "../logger.js";
import { eventRelayLeader, probeEventBacklog } from "../metrics.js";
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

/** Session advisory lock held by the leading relay's own connection, and by no other session. */
export const EVENT_RELAY_LEADER_LOCK = 0x6e657877; // "nexw"

const COLUMNS = "id, type, user_ids, listing_id, data, created_at";

/**
 * One batch, one statement, one commit: the committed outbox rows this snapshot sees become public
 * events (ids from the events sequence, in outbox order: INSERT … SELECT … ORDER BY assigns them in
 * that order), and the publish mark moves to what the previous batches sent. Uncommitted outbox rows
 * are invisible to it and go in a later batch, with greater ids.
 */
const MOVE_SQL = `
with mark as (
  update event_relay_state set published_through = $2, updated_at = now() where published_through < $2
), moved as (
  delete from event_outbox where id in (select id from event_outbox order by id limit $1) returning *
)
insert into events (type, user_ids, listing_id, data, created_at)
select type, user_ids, listing_id, data, created_at from moved order by id
returning ${COLUMNS}`;

/** What lies above the mark (the stored one, if another leader or an operator moved it further). */
const BACKLOG_SQL = `select ${COLUMNS} from events
  where id > greatest($1::bigint, (select published_through from event_relay_state)) order by id limit $2`;

export interface EventRelayOptions {
  /** Where events go (the Socket.IO streams adapter). */
  emitter: EventPublisher;
  /** The leader looks for committed events this often when nothing woke it. */
  pollMs: number;
  /** A process that does not lead tries to take over this often. */
  electionMs: number;
  /** Rows per batch. */
  batch?: number;
  /** Redis of the adapter: a backlog goes out shortly after it is back. */
  wakeOn?: { on(event: "ready", listener: () => void): unknown };
  /**
   * Redis for the wake-up across processes: a relay that does not lead PUBLISHes after a local commit
   * and the leader (SUBSCRIBEd on a duplicate connection) moves the events at once instead of at its
   * next poll. Without it, or while Redis is away, the poll alone finds them.
   */
  wakeRedis?: Redis;
}

export interface EventRelay {
  /** After a commit that wrote events: a leader in this process moves them at once. */
  wake(): void;
  /** Whether this process leads now. */
  readonly leading: boolean;
  /** Resolves once everything committed before the call is published (by whichever process leads). */
  drain(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The event relay of a process (web or worker). Every process runs one; one leads at a time, chosen
 * by a session advisory lock on the relay's own connection (failover: when the leader's session
 * ends, killed process or lost connection, another takes the lock within `electionMs`). The leader
 * alone gives events their public ids (MOVE_SQL) and alone publishes them, in id order, so the
 * Socket.IO stream carries every user's events in increasing id order, and resuming "after N" from
 * PostgreSQL is exact. Writers take no lock at all: their cost is one INSERT into the outbox.
 *
 * Every write of the leader goes through its lock-holding session, so a leader whose session ended
 * can no longer give ids even if it has not noticed yet; what it may still be publishing, the next
 * leader publishes again from the mark, and the live gate drops those copies.
 */
export function startEventRelay(orm: Orm, options: EventRelayOptions): EventRelay {
  const batch = options.batch ?? 1000;
  const connectionString = String(orm.config.get("clientUrl"));
  let client: pg.Client | null = null;
  let leading = false;
  let stopped = false;
  let wakeUp: (() => void) | null = null;
  let woken = false;
  let loop: Promise<void> = Promise.resolve();

  /** Waits `ms`; wake() cuts it short when `wakeable` (the leader's wait), stop() always does. */
  const sleep = (ms: number, wakeable: boolean) =>
    new Promise<void>((resolve) => {
      if (stopped || (wakeable && woken)) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = null;
        resolve();
      }
      wakeUp = wakeable ? done : null;
      stopWait = done;
    });
  let stopWait: (() => void) | null = null;
  const wakeLocally = () => {
    woken = true;
    wakeUp?.();
  };
  const channel = `${config.REDIS_KEY_PREFIX}events:wake`;
  let publishing = false;
  let again = false;
  /** One PUBLISH at a time; a wake meanwhile sends one more after it (none is lost, few are sent). */
  const wakeLeader = () => {
    const redis = options.wakeRedis;
    if (redis?.status !== "ready") return;
    if (publishing) {
      again = true;
      return;
    }
    publishing = true;
    redis
      .publish(channel, "1")
      .catch(() => undefined)
      .finally(() => {
        publishing = false;
        if (again) {
          again = false;
          wakeLeader();
        }
      });
  };
  const wake = () => {
    if (leading) wakeLocally();
    else wakeLeader();
  };
  const subscriber = options.wakeRedis?.duplicate() ?? null;
  if (subscriber) {
    subscriber.on("error", () => undefined); // the wake-up is an optimisation: the poll covers its absence
    subscriber.on("message", () => {
      if (leading) wakeLocally();
    });
    subscriber.subscribe(channel).catch(() => undefined);
  }

  async function connect(): Promise<pg.Client> {
    const c = new pg.Client({
      connectionString,
      application_name: "nexus-event-relay",
      connectionTimeoutMillis: 3000,
      keepAlive: true,
    });
    // A lost connection (PostgreSQL restarting) surfaces here and in the pending query: the loop
    // notices through the query, and this listener keeps it from being an unhandled 'error'.
    c.on("error", (err) => logger.warn({ err: err.message, leading }, "event relay connection lost"));
    await c.connect();
    return c;
  }

  function dropConnection() {
    const c = client;
    client = null;
    if (leading) logger.warn("event relay stopped leading");
    leading = false;
    eventRelayLeader.set(0);
    c?.end().catch(() => undefined);
  }

  /** Leads until the session is lost or the relay stops. */
  async function lead(c: pg.Client) {
    const [{ published_through }] = (
      await c.query<{ published_through: string }>("select published_through from event_relay_state")
    ).rows;
    let publishedThrough = Number(published_through);
    // True when every event up to the last one this leader moved is published: the next batch's rows
    // are then all that is new. A new leader first reads what lies above the mark.
    let caughtUp = false;
    let held = false;
    const holdBack = (reason: string) => {
      if (!held) logger.warn({ err: reason }, "events stay unpublished until Redis is back");
      held = true;
    };
    while (!stopped) {
      woken = false;
      const moved = (await c.query<EventRow>(MOVE_SQL, [batch, publishedThrough])).rows;
      let more = moved.length === batch;
      if (options.emitter.isReady?.() !== false) {
        const toSend: EventRow[] = caughtUp
          ? moved
          : (await c.query<EventRow>(BACKLOG_SQL, [publishedThrough, batch])).rows;
        if (toSend.length) {
          const events = toSend.map(rowToPublishable).sort((a, b) => a.envelope.id - b.envelope.id);
          try {
            await options.emitter.publish(events);
            publishedThrough = events[events.length - 1].envelope.id;
            if (!caughtUp) {
              caughtUp = toSend.length < batch;
              more ||= !caughtUp;
            }
            if (held) logger.info({ publishedThrough }, "event relay caught up: the events held back are published");
            held = false;
          } catch (err) {
            caughtUp = false;
            holdBack((err as Error).message);
          }
        } else caughtUp = true;
      } else {
        if (moved.length || !caughtUp) holdBack("the Socket.IO adapter's Redis is not ready");
        caughtUp = false;
      }
      if (!more) await sleep(options.pollMs, true);
    }
    // Leave the mark where it is now, for the next leader.
    await c.query("update event_relay_state set published_through = $1 where published_through < $1", [
      publishedThrough,
    ]);
  }

  async function run() {
    while (!stopped) {
      try {
        client ??= await connect();
        const [{ ok }] = (
          await client.query<{ ok: boolean }>("select pg_try_advisory_lock($1) as ok", [EVENT_RELAY_LEADER_LOCK])
        ).rows;
        if (ok) {
          leading = true;
          eventRelayLeader.set(1);
          logger.info("event relay leads");
          await lead(client);
          await client.query("select pg_advisory_unlock($1)", [EVENT_RELAY_LEADER_LOCK]).catch(() => undefined);
          leading = false;
          eventRelayLeader.set(0);
        }
      } catch (err) {
        if (!stopped) logger.warn({ err: (err as Error).message }, "event relay: database unavailable; retrying");
        dropConnection();
      }
      if (!stopped) await sleep(options.electionMs, false);
    }
    dropConnection();
  }

  loop = run();
  options.wakeOn?.on("ready", () => setTimeout(wakeLocally, 300).unref());
  probeEventBacklog(async () => {
    const rows = await orm.em
      .getConnection()
      .execute<{ age: number | null }[]>(
        "select extract(epoch from now() - min(created_at))::float8 as age from event_backlog",
      );
    return Math.max(0, Number(rows[0]?.age ?? 0));
  });

  return {
    wake,
    get leading() {
      return leading;
    },
    async drain(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        wake();
        const [{ pending }] = await orm.em
          .getConnection()
          .execute<{ pending: boolean }[]>("select exists(select 1 from event_backlog) as pending");
        if (!pending) return;
        if (Date.now() > deadline) throw new Error("events still unpublished after the drain timeout");
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async stop() {
      stopped = true;
      stopWait?.();
      await loop;
      subscriber?.disconnect();
      probeEventBacklog(null);
    },
  };
}

let current: EventRelay | null = null;

/** The process's relay (server/main.ts, worker/main.ts); null where none runs (scripts). */
export function setEventRelay(relay: EventRelay | null): void {
  current = relay;
}

/** After a commit that wrote events: wakes the local relay (a leader elsewhere polls). */
export function eventsCommitted(): void {
  current?.wake();
}
