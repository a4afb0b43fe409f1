import type { EntityManager } from "@mikro-orm/postgresql";
import { config } from "../../config.js";
import type { Orm } from "../../db/orm.js";
import { sql } from "../../db/sql.js";
import { AppError } from "../../errors.js";
import { logger } from "../../logger.js";
import { replicaReads, replicaWait } from "../../metrics.js";

/**
 * Search reads on a streaming replica (DATABASE_REPLICA_URL), never staler than the primary for what
 * search shows. Every commit that changes search records the primary's WAL position after it in Redis
 * (a monotonic max, in the invalidation's own script: searchCacheScripts.ts), and the reader — which
 * read that position before its query, with the cache's sequence — first waits until the replica has
 * replayed it (`pg_last_wal_replay_lsn()`), polling, for REPLICA_MAX_WAIT_MS at most. Its snapshot is
 * taken after that check, so it includes that commit and every earlier one. Past the bound, when the
 * position is unknown (Redis away) or the replica fails, it reads the primary instead.
 */
const POLL_EVERY_MS = 2;

type Outcome = "replica" | "replica_waited" | "fallback_timeout" | "fallback_unknown" | "fallback_error";

/** Whether the replica has replayed `lsn`, polled until `deadline`; "error" when it cannot be asked. */
async function caughtUp(replica: Orm, lsn: string, deadline: number): Promise<"now" | "waited" | "late" | "error"> {
  const q = sql(replica.em.fork() as EntityManager);
  for (let first = true; ; first = false) {
    const left = deadline - Date.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), Math.max(left, 1));
    });
    const probe = q<{ ok: boolean | null }>("select pg_last_wal_replay_lsn() >= ?::pg_lsn as ok", [lsn]).then(
      ([row]) => (row?.ok ? "ok" : "behind"),
      (err: Error) => {
        logger.debug({ err: err.message }, "replica position check failed");
        return "error" as const;
      },
    );
    const answer = await Promise.race([probe, timeout]).finally(() => clearTimeout(timer));
    if (answer === "ok") return first ? "now" : "waited";
    if (answer === "error" || answer === "late") return answer;
    // null (not a standby) counts as behind: it may be any server, never assumed caught up.
    if (Date.now() + POLL_EVERY_MS >= deadline) return "late";
    await new Promise((resolve) => setTimeout(resolve, POLL_EVERY_MS));
  }
}

/**
 * Runs `read` on the replica once it has replayed `lsn`, else on the primary. Without a replica
 * configured it is simply `read` on the primary.
 */
export async function readFromReplica<T>(
  deps: { orm: Orm; replica?: Orm | null },
  lsn: string | null,
  read: (em: EntityManager) => Promise<T>,
): Promise<T> {
  const primary = () => read(deps.orm.em.fork() as EntityManager);
  const { replica } = deps;
  if (!replica) return primary();
  const count = (outcome: Outcome) => replicaReads.inc({ result: outcome });
  if (lsn === null) {
    count("fallback_unknown");
    return primary();
  }
  const started = Date.now();
  const state = await caughtUp(replica, lsn, started + config.REPLICA_MAX_WAIT_MS);
  replicaWait.observe((Date.now() - started) / 1000);
  if (state === "late" || state === "error") {
    count(state === "late" ? "fallback_timeout" : "fallback_error");
    return primary();
  }
  try {
    const result = await read(replica.em.fork() as EntityManager);
    count(state === "now" ? "replica" : "replica_waited");
    return result;
  } catch (err) {
    // The read's own answer (404, a bad cursor) is the same on the primary.
    if (err instanceof AppError) throw err;
    // Gone meanwhile, or a query cancelled by recovery (a conflict with replay): the primary answers.
    logger.debug({ err: (err as Error).message }, "replica read failed; reading the primary");
    count("fallback_error");
    return primary();
  }
}

/**
 * What an invalidation needs from the primary right after a commit, in one round trip: its WAL insert
 * position, at or past the end of that commit's record (even with synchronous_commit off, where the
 * flush position may still be before it), and `places` as PostgreSQL's lower() gives them (the search
 * SQL's own comparison: searchChanges.ts). Null when it cannot be read.
 */
export async function readAfterCommit(
  orm: Orm,
  places: string[],
): Promise<{ lsn: string; lowered: Map<string, string> } | null> {
  try {
    // As JSON: knex would spread a bound array into a list.
    const [row] = await sql(orm.em.fork() as EntityManager)<{ lsn: string; lowered: string[] }>(
      `select pg_current_wal_insert_lsn()::text as lsn,
              array(select lower(p) from jsonb_array_elements_text(?::jsonb) with ordinality as u(p, i) order by i) as lowered`,
      [JSON.stringify(places)],
    );
    if (!row) return null;
    return { lsn: row.lsn, lowered: new Map(places.map((p, i) => [p, row.lowered[i]])) };
  } catch (err) {
    logger.warn({ err: (err as Error).message }, "could not read the WAL position after a commit");
    return null;
  }
}
