import { setTimeout as sleep } from "node:timers/promises";
import type { EntityManager } from "@mikro-orm/postgresql";
import type { Orm } from "../db/orm.js";
import { sql } from "../db/sql.js";
import type { Logger } from "../logger.js";
import type { SideEffectKind, SideEffectMap } from "./sideEffectMap.js";

/**
 * The life of one recorded side effect in the job that carries it out (sendEmail, refundPayment):
 * claim → (the external call) → markDone or markFailed. Every write goes through here, so each effect
 * keeps the same record: `done_at` once it happened (never set twice), `attempts` counting the calls
 * to the outside world, `last_error` the latest failure (null once done).
 */

interface ClaimedSideEffect<K extends SideEffectKind> {
  id: number;
  key: string;
  payload: SideEffectMap[K];
}

export type Claim<K extends SideEffectKind> =
  | { state: "claimed"; effect: ClaimedSideEffect<K> }
  /** Carried out before: nothing to do. */
  | { state: "done" }
  /** Another run holds the row (it is carrying out this very effect): come back later. */
  | { state: "busy" }
  | { state: "missing" }
  | { state: "wrong_kind"; kind: string };

const exec = <T = unknown[]>(em: EntityManager, text: string, params: unknown[]): Promise<T> =>
  sql(em)(text, params) as Promise<T>;

/** How long a claim waits for a row another transaction holds (the relay's commit, or another run). */
const CLAIM_WAIT_MS = 5000;

/**
 * Claims the side effect in the caller's transaction: its row stays locked (`for update`) until that
 * transaction ends, so two runs of the same effect (a job lock that expired under a slow call) never
 * carry it out together; a run killed mid-call loses its connection, and so the row lock, at once.
 * A locked row is waited for, not skipped: the relay saves the job (and Agenda wakes a worker) before
 * the relay's transaction, which holds the row, commits a moment later; skipping made such a run fail
 * and spend one of JOB_MAX_ATTEMPTS on nothing (with two SMTP refusals after it, an email was never
 * sent). A row still held after CLAIM_WAIT_MS is another run carrying out this very effect: `busy`.
 */
export async function claimSideEffect<K extends SideEffectKind>(
  em: EntityManager,
  id: number,
  kind: K,
): Promise<Claim<K>> {
  await exec(em, `set local lock_timeout = '${CLAIM_WAIT_MS}ms'`, []);
  let rows: { id: string; kind: string; key: string; payload: SideEffectMap[K]; done_at: Date | null }[];
  try {
    rows = await exec(em, "select id, kind, key, payload, done_at from side_effects where id = ? for update", [id]);
  } catch (err) {
    // The transaction is aborted now: the caller throws on `busy`, which rolls it back.
    if ((err as { code?: string }).code === "55P03") return { state: "busy" };
    throw err;
  }
  // lock_timeout stays set for the rest of the claim's transaction (no round trip to reset it): a
  // later lock (a refund's payment row) waited on that long is a retry too.
  const [row] = rows;
  if (!row) return { state: "missing" };
  if (row.kind !== kind) return { state: "wrong_kind", kind: row.kind };
  if (row.done_at) return { state: "done" };
  return { state: "claimed", effect: { id, key: row.key, payload: row.payload } };
}

/**
 * Records the effect as carried out, in the caller's transaction. `attempted`: it took a call to the
 * outside world (counted in `attempts`); false when it was settled without one (`note` says why, e.g.
 * "not sent: the booking is gone"). Returns false if it was done already (then nothing changes).
 */
export async function markDone(
  em: EntityManager,
  id: number,
  { attempted = true, note = null }: { attempted?: boolean; note?: string | null } = {},
): Promise<boolean> {
  const rows = await exec<{ id: string }[]>(
    em,
    `update side_effects set done_at = now(), attempts = attempts + ?, last_error = ?
      where id = ? and done_at is null returning id`,
    [attempted ? 1 : 0, note, id],
  );
  return rows.length > 0;
}

/**
 * Records a failed attempt (counted) and its reason, in the caller's transaction: commit it, then
 * throw for the job to retry or fail, so the attempt is on record either way.
 */
export async function markFailed(
  em: EntityManager,
  id: number,
  reason: string,
  { attempted = true }: { attempted?: boolean } = {},
): Promise<void> {
  await exec(em, "update side_effects set attempts = attempts + ?, last_error = ? where id = ?", [
    attempted ? 1 : 0,
    reason.slice(0, 2000),
    id,
  ]);
}

/**
 * How long recordDoneAfterConnectionLoss keeps trying. Why not give up sooner: failing the job would
 * carry the effect out again (send the email twice).
 */
const RECORD_DONE_PATIENCE_MS = 10 * 60_000;

/**
 * Records `done_at` of an effect the outside world accepted (the SMTP server took the email) outside
 * the transaction that held its row (that one died with its connection), retrying every 250 ms for as
 * long as the database stays away (up to RECORD_DONE_PATIENCE_MS). The job stays this worker's
 * meanwhile (Agenda runs a job once at a time here; another worker takes it only once its lock
 * lapsed, JOB_LOCK_LIFETIME_MS after it started); the first write after the database is back is this
 * one, within 250 ms, so an outage shorter than the lock lifetime carries out nothing twice.
 * `done_at is null`: the lost commit may have landed after all.
 */
export async function recordDoneAfterConnectionLoss(orm: Orm, id: number, cause: Error, log: Logger): Promise<void> {
  const deadline = Date.now() + RECORD_DONE_PATIENCE_MS;
  log.warn({ sideEffectId: id, err: cause.message }, "side effect carried out but not recorded; recording it");
  for (;;) {
    try {
      await markDone(orm.em.fork() as EntityManager, id);
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(250);
    }
  }
}
