import { createRequire } from "node:module";
import type { EntityManager, Knex } from "@mikro-orm/postgresql";
import pg from "pg";
import { CARRIED_MARK } from "../db/migrations/Migration20261207100000_eventCarriedMark.js";
import { sql } from "../db/sql.js";
import { logger } from "../logger.js";
import { checkPinned, installedVersion } from "../packageVersions.js";
import type { EventMap, EventType } from "./eventMap.js";

export interface EventInput<T extends EventType> {
  type: T;
  data: EventMap[T];
  /** Receivers by user (their rooms; they can replay it and see it in notifications). */
  userIds?: string[];
  /** Receivers by listing (the listing's availability feed). */
  listingId?: string | null;
}

/**
 * Appends events to the outbox inside the caller's transaction, so they commit with the change or
 * not at all, in the order given. No lock is taken: each row carries a transaction id given as it is
 * written (its xmin), and once no older transaction of the database can still commit, its public id is fixed (the order
 * every reader and socket sees: final_outbox, migration eventWatermark). The relay publishes it then
 * and moves it to `events` after (shared/events/relay.ts). Returns how many were written; after the
 * commit the caller wakes the relay (eventsCommitted()).
 */
export async function recordEvents(em: EntityManager, inputs: EventInput<EventType>[]): Promise<number> {
  if (!inputs.length) return 0;
  const events = toRows(inputs);
  // One statement, one row per event, in input order, in a subtransaction of its own (record_events,
  // migration eventWatermark: its xmin, the order key, is given now, after all the command did).
  await sql(em)("select record_events(?::jsonb)", [JSON.stringify(events)]);
  return events.length;
}

function toRows(inputs: EventInput<EventType>[]) {
  return inputs.map((input) => ({
    type: input.type,
    userIds: [...new Set(input.userIds ?? [])],
    listingId: input.listingId ?? null,
    data: input.data,
  }));
}

/**
 * The COMMIT with the events before it, as one simple query: their INSERT in a savepoint of its own
 * (a subtransaction, as record_events' EXCEPTION block: the rows' xmin is an id given now, at the end
 * of the command), every value a literal escaped by pg. PostgreSQL runs the statements in order and
 * skips the rest at the first error. The message begins with CARRIED_MARK: while it runs,
 * pg_stat_activity shows the session writing events (migration eventCarriedMark), from before the
 * subtransaction exists to the end of the COMMIT, with no statement of its own for the mark.
 */
function carriedCommit(events: ReturnType<typeof toRows>): string {
  const lit = pg.escapeLiteral;
  const rows = events.map(
    (e) =>
      `(${lit(e.type)}, array[${e.userIds.map(lit).join(", ")}]::uuid[], ${e.listingId === null ? "null" : lit(e.listingId)}::uuid, ${lit(JSON.stringify(e.data))}::jsonb)`,
  );
  return `${CARRIED_MARK} SAVEPOINT nexus_events; INSERT INTO event_outbox (type, user_ids, listing_id, data) VALUES ${rows.join(", ")}; RELEASE SAVEPOINT nexus_events; COMMIT;`;
}

/**
 * recordEventsOnCommit relies on three things of knex's, verified with these versions: a root
 * transaction's `client.acquireConnection()` gives its pg connection, the connection carries the
 * transaction's `__knexTxId` while it runs, and the transaction commits with the query text
 * `COMMIT;` on it. (test/eventsCommit.test.ts checks all three end to end.) An upgrade stops the
 * process at import until they are verified again.
 */
const KNEX_PINNED = { knex: "3.2.10", pg: "8.23.1" };
checkPinned(
  "shared/events/record.ts (events carried in knex's COMMIT)",
  KNEX_PINNED,
  {
    // The knex MikroORM loads, and the pg that knex loads.
    knex: installedVersion("knex", createRequire(import.meta.url).resolve("@mikro-orm/knex")),
    pg: installedVersion(
      "pg",
      createRequire(createRequire(import.meta.url).resolve("@mikro-orm/knex")).resolve("knex"),
    ),
  },
  [
    "knex's Transaction still sets connection.__knexTxId while the transaction runs and deletes it after (lib/execution/transaction.js acquireConnection)",
    "a root transaction still commits with this.query(conn, 'COMMIT;') on that connection, and BEGIN/ROLLBACK as before",
    "trx.client.acquireConnection() still resolves to the transaction's pg.Client",
    "then run test/eventsCommit.test.ts and update KNEX_PINNED in shared/events/record.ts",
  ],
);

/** What waits for a connection's COMMIT: its transaction's events. */
interface Pending {
  txid: unknown;
  events: ReturnType<typeof toRows>;
}
const pendingByConnection = new WeakMap<pg.Client, Pending>();

type QueryCallback = (err: Error | null, result?: unknown) => void;

/**
 * The same as recordEvents, with no round trip of its own: the events' INSERT goes to PostgreSQL in
 * the very message that carries the transaction's COMMIT (carriedCommit: one simple query), so an
 * emitting command costs its writer no more round trips than one that emits nothing. They are still
 * written last, after everything the command did, in a subtransaction of their own, and commit with
 * it or not at all. (Measured with pgbench, 8 clients: the events' share of a one-INSERT transaction
 * fell by about half against record_events in a round trip of its own.)
 *
 * For a root transaction only (MikroORM's `em.transactional` on a fork, as inUnitOfWork runs it): its
 * COMMIT is knex's `COMMIT;` on the transaction's own connection, which this watches for. Anything
 * else (a savepoint, a transaction joined from outside) writes at once, with recordEvents. A ROLLBACK,
 * or the next transaction beginning on the connection, drops what waits. If the events' statement
 * fails, PostgreSQL skips the COMMIT; the transaction is rolled back here and the error is the
 * commit's, as a failed COMMIT's would be.
 */
export async function recordEventsOnCommit(em: EntityManager, inputs: EventInput<EventType>[]): Promise<number> {
  if (!inputs.length) return 0;
  const trx = em.getTransactionContext<Knex.Transaction & { savepointName?: string }>();
  const connection = trx && !("savepointName" in trx) ? await rootConnection(trx) : null;
  if (!connection) return recordEvents(em, inputs);
  const txid = (connection as unknown as { __knexTxId?: unknown }).__knexTxId;
  const pending = pendingByConnection.get(connection);
  if (pending && pending.txid === txid) {
    pending.events.push(...toRows(inputs));
    return inputs.length;
  }
  pendingByConnection.set(connection, { txid, events: toRows(inputs) });
  watchCommit(connection);
  return inputs.length;
}

/** The pg connection of a root knex transaction, or null where it cannot be had. */
async function rootConnection(trx: Knex.Transaction): Promise<pg.Client | null> {
  const client = (trx as unknown as { client?: { acquireConnection?: () => Promise<unknown> } }).client;
  const connection = await client?.acquireConnection?.();
  return connection instanceof pg.Client ? connection : null;
}

const watched = new WeakSet<pg.Client>();

/** Wraps the connection's query once, for its life: COMMIT carries the events waiting for it. */
function watchCommit(connection: pg.Client): void {
  if (watched.has(connection)) return;
  watched.add(connection);
  const query = connection.query.bind(connection) as (config: unknown, callback: QueryCallback) => unknown;
  const wrapped = (config: unknown, ...rest: unknown[]) => {
    const pending = pendingByConnection.get(connection);
    const text = typeof config === "string" ? config : (config as { text?: unknown } | null)?.text;
    const callback = rest[rest.length - 1];
    if (!pending || typeof text !== "string" || typeof callback !== "function")
      return (query as (...args: unknown[]) => unknown)(config, ...rest);
    const statement = text.trim().toUpperCase();
    if (statement === "BEGIN;" || statement === "BEGIN" || statement.startsWith("ROLLBACK")) {
      // Never committed (or a new transaction: what waited belonged to one that ended otherwise).
      pendingByConnection.delete(connection);
      if (statement.startsWith("BEGIN")) logger.error("events waiting for a COMMIT that never came were dropped");
    } else if (statement === "COMMIT;" || statement === "COMMIT") {
      pendingByConnection.delete(connection);
      const current = (connection as unknown as { __knexTxId?: unknown }).__knexTxId;
      if (current !== pending.txid) {
        logger.error("events waiting for another transaction's COMMIT were dropped");
        return (query as (...args: unknown[]) => unknown)(config, ...rest);
      }
      const carried = carriedCommit(pending.events);
      return query(carried, (err, results) => {
        if (!err)
          return (callback as QueryCallback)(null, Array.isArray(results) ? results[results.length - 1] : results);
        // The events' statement failed, so PostgreSQL skipped the COMMIT: end the aborted transaction
        // before the connection goes back to the pool, and fail the commit.
        query("ROLLBACK", () => (callback as QueryCallback)(err));
      });
    }
    return (query as (...args: unknown[]) => unknown)(config, ...rest);
  };
  (connection as unknown as { query: typeof wrapped }).query = wrapped;
}
