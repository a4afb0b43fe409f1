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
 * The final outbox rows (below the watermark: committed, and nothing can ever appear before them)
 * after the last one read, with their public ids (migration eventWatermark). A plain read: no commit
 * stands between a writer's commit and the publish.
 */
const READ_SQL = `select ${COLUMNS}, outbox_id from final_outbox where id > $1 order by id limit $2`;

/**
 * After the publish: the rows read become `events` rows, with the very ids published, and the publish
 * mark moves to what was sent. One statement, one commit, on the leader's lock session. It moves
 * nothing unless the greatest id in `events` is the one just before them (ids never change, so that
 * is always so, unless something is badly wrong: then the leader starts over from the database).
 * The id sequence is kept past them, for whatever else inserts into `events` (a bulk load, a test).
 */
const MOVE_SQL = `
with mark as (
  update event_relay_state set published_through = $4, updated_at = now() where published_through < $4
), moved as (
  delete from event_outbox o using unnest($1::bigint[], $2::bigint[]) as m(outbox_id, id)
   where o.id = m.outbox_id and (select coalesce(max(id), 0) from events) = $3
  returning m.id, o.type, o.user_ids, o.listing_id, o.data, o.created_at
)
insert into events (id, type, user_ids, listing_id, data, created_at)
select m.id, m.type, m.user_ids, m.listing_id, m.data, m.created_at
  from moved m, (select setval('events_id_seq', greatest($5::bigint, (select last_value from events_id_seq)))) s
 order by m.id`;

/** The mark alone, after a backlog went out with nothing new to move. */
const MARK_SQL = "update event_relay_state set published_through = $1, updated_at = now() where published_through < $1";

/** What lies above the mark in `events` (the stored one, if another leader or an operator moved it further). */
const BACKLOG_SQL = `select ${COLUMNS} from events
  where id > greatest($1::bigint, (select published_through from event_relay_state)) order by id limit $2`;

/** MOVEs queued behind the publish at most; the next read waits for the oldest beyond that. */
const MOVES_IN_FLIGHT = 4;

/**
 * Under load, what the reads find is moved in one MOVE this often (or per `batch` rows), not one per
 * read: fewer commits (each a WAL flush) for the same rows. Nothing waits for it: the rows were
 * published when read, and keep their ids in the outbox meanwhile. A quiet read moves at once.
 */
const MOVE_EVERY_MS = 20;

export interface EventRelayOptions {
  /** Where events go (the Socket.IO streams adapter). */
  emitter: EventPublisher;
  /** The leader looks for committed events this often when nothing woke it. */
  pollMs: number;
  /** A process that does not lead tries to take over this often. */
  electionMs: number;
  /** After a read that found events, the next one waits until this long after it began (EVENTS_RELAY_COALESCE_MS). */
  coalesceMs?: number;
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
 * alone publishes, in id order, so the Socket.IO stream carries every user's events in increasing id
 * order, and resuming "after N" from PostgreSQL is exact. Writers take no lock at all: their cost is
 * one INSERT into the outbox.
 *
 * The public ids are not given by anyone: a final outbox row's id follows from what is committed
 * (final_outbox: the greatest id in `events` plus its rank; migration eventWatermark), and moving rows
 * to `events` keeps it. So the leader publishes a row as soon as it is final, reading it in a plain
 * SELECT, and moves it (MOVE_SQL, a commit) after, off the path to the sockets. A leader that dies
 * between the two leaves the rows in the outbox, and the next one publishes them again with the same
 * ids; the sockets' live gate drops the copies. A leader whose session ended can no longer write, and
 * what it may still be publishing carries the same ids as the next leader's.
 */
export function startEventRelay(orm: Orm, options: EventRelayOptions): EventRelay {
  const batch = options.batch ?? 1000;
  const coalesceMs = options.coalesceMs ?? 2;
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
  let wokeAt = 0;
  /**
   * One PUBLISH at a time, and at most one per wakeEveryMs: a wake meanwhile sends one more after it.
   * None is lost, few are sent. Under load the leader needs none (after a read that found events it
   * reads again by itself, coalesceMs later); a wake matters after a quiet read, where it saves up to
   * pollMs, and the first commit after a quiet spell sends one at once.
   */
  const wakeEveryMs = Math.max(coalesceMs, Math.floor(options.pollMs / 2));
  const wakeLeader = () => {
    const redis = options.wakeRedis;
    if (redis?.status !== "ready") return;
    if (publishing) {
      again = true;
      return;
    }
    publishing = true;
    const wait = wokeAt + wakeEveryMs - Date.now();
    const send = () => {
      wokeAt = Date.now();
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
    if (wait > 0) setTimeout(send, wait).unref();
    else send();
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
  }
  /**
   * Only the leader listens: a relay that does not lead would only receive every wake-up of the
   * deployment to ignore it. (Subscribed again by ioredis after a reconnect while leading.)
   */
  const listen = (on: boolean) => {
    if (on) subscriber?.subscribe(channel).catch(() => undefined);
    else subscriber?.unsubscribe(channel).catch(() => undefined);
  };

  async function connect(): Promise<pg.Client> {
    const c = new pg.Client({
      connectionString,
      application_name: "nexus-event-relay",
      // The relay's own commits (its moves and its mark) need not wait for their WAL flush: one lost
      // in a crash leaves its rows in the outbox, where they keep their ids (final_outbox), and the
      // next leader publishes and moves them again. (A later commit that is durable, any writer's,
      // makes every earlier one durable with it.) The writers' commits stay synchronous.
      options: "-c synchronous_commit=off",
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
    if (leading) {
      logger.warn("event relay stopped leading");
      listen(false);
    }
    leading = false;
    eventRelayLeader.set(0);
    c?.end().catch(() => undefined);
  }

  /**
   * Leads until the session is lost or the relay stops. Reads (the final outbox rows, the backlog)
   * go through a second connection, so that a read never waits behind a MOVE's commit: publishing
   * an event waits for no WAL flush after its own transaction's. Writes (MOVE, the mark) go through
   * the lock-holding session `c`, one after the other, in id order.
   */
  async function lead(c: pg.Client) {
    const reader = await connect();
    try {
      await leadWith(c, reader);
    } finally {
      await reader.end().catch(() => undefined);
    }
  }

  async function leadWith(c: pg.Client, reader: pg.Client) {
    const [{ published_through }] = (
      await c.query<{ published_through: string }>("select published_through from event_relay_state")
    ).rows;
    let publishedThrough = Number(published_through);
    let markStored = publishedThrough;
    /** The greatest public id read from the outbox and handed to a MOVE (0: none yet, read from the first). */
    let readThrough = 0;
    // False until everything in `events` above the mark is published: a new leader first sends what a
    // previous one moved and did not publish (Redis was away), and so does this one after an outage.
    let caughtUp = false;
    let held = false;
    const holdBack = (reason: string) => {
      if (!held) logger.warn({ err: reason }, "events stay unpublished until Redis is back");
      held = true;
    };
    let moving: Promise<void> = Promise.resolve();
    let inFlight = 0;
    let moveError: Error | null = null;
    const write = (name: string, text: string, values: unknown[], check?: (rows: number) => void) => {
      inFlight++;
      moving = moving
        .then(async () => {
          if (moveError) return;
          const result = await c.query({ name, text, values });
          check?.(result.rowCount ?? 0);
        })
        .catch((err: Error) => {
          moveError ??= err;
        })
        .finally(() => {
          inFlight--;
        });
    };
    /** Rows read (and published) that no MOVE has taken yet: consecutive ids, in order. */
    let toMove = { outboxIds: [] as string[], ids: [] as string[], since: 0 };
    /** Queues one MOVE of everything read and not moved yet. */
    const move = () => {
      const { outboxIds, ids } = toMove;
      if (!ids.length) return;
      toMove = { outboxIds: [], ids: [], since: 0 };
      const first = Number(ids[0]);
      const last = Number(ids[ids.length - 1]);
      const mark = Math.min(publishedThrough, last);
      write("nexus-event-move", MOVE_SQL, [outboxIds, ids, first - 1, mark, last], (moved) => {
        if (moved !== ids.length)
          throw new Error(`event relay: ids ${first}-${last} were not the next ones; starting over`);
      });
      markStored = Math.max(markStored, mark);
    };
    const settle = async () => {
      move();
      await moving;
      if (moveError) throw moveError;
    };
    const publish = async (rows: EventRow[]) => {
      const events = rows.map(rowToPublishable);
      try {
        await options.emitter.publish(events);
        publishedThrough = events[events.length - 1].envelope.id;
        if (held) logger.info({ publishedThrough }, "event relay caught up: the events held back are published");
        held = false;
        return true;
      } catch (err) {
        holdBack((err as Error).message);
        return false;
      }
    };
    while (!stopped) {
      woken = false;
      if (moveError) throw moveError;
      let more = false;
      const ready = options.emitter.isReady?.() !== false;
      if (!caughtUp && ready) {
        await settle(); // everything read so far is in `events` now
        const backlog = (await reader.query<EventRow>(BACKLOG_SQL, [publishedThrough, batch])).rows;
        if (backlog.length === 0 || (await publish(backlog))) {
          caughtUp = backlog.length < batch;
          more = !caughtUp;
        }
      } else if (!ready) {
        if (!caughtUp || readThrough > publishedThrough) holdBack("the Socket.IO adapter's Redis is not ready");
        caughtUp = false;
      }
      let found = false;
      const readAt = Date.now();
      if (!more) {
        const rows = (
          await reader.query<EventRow & { outbox_id: string }>({
            name: "nexus-event-read",
            text: READ_SQL,
            values: [readThrough, batch],
          })
        ).rows;
        more = rows.length === batch;
        found = rows.length > 0;
        if (rows.length) {
          // Published first when nothing older waits (those go out from `events`, by the backlog).
          if (caughtUp && !(options.emitter.isReady?.() !== false && (await publish(rows)))) caughtUp = false;
          readThrough = Number(rows[rows.length - 1].id);
          for (const row of rows) {
            toMove.outboxIds.push(row.outbox_id);
            toMove.ids.push(row.id);
          }
          toMove.since ||= readAt;
          if (toMove.ids.length >= batch || Date.now() - toMove.since >= MOVE_EVERY_MS) move();
        } else if (toMove.ids.length) {
          move(); // quiet: what was read goes to `events` now
        } else if (publishedThrough > markStored) {
          write("nexus-event-mark", MARK_SQL, [publishedThrough]);
          markStored = publishedThrough;
        }
      }
      if (inFlight > MOVES_IN_FLIGHT) await settle();
      // Under load, reads that found events are spaced by coalesceMs, so that each one takes what
      // committed meanwhile as one batch (one read, one publish, one MOVE) instead of one event each,
      // and the next one follows by itself: no wake-up is needed while events keep coming. An event
      // after a quiet spell (a read that found nothing) is read on its wake-up or at the next poll.
      if (found && !more) await sleep(coalesceMs - (Date.now() - readAt), false);
      else if (!more) await sleep(options.pollMs, true);
    }
    await settle();
    // Leave the mark where it is now, for the next leader.
    await c.query(MARK_SQL, [publishedThrough]);
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
          listen(true);
          await lead(client);
          listen(false);
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
