import { setTimeout as sleep } from "node:timers/promises";
import type { EntityManager } from "@mikro-orm/postgresql";
import type { NodemailerError } from "nodemailer";
import type { Orm } from "../../shared/db/orm.js";
import type { Logger } from "../../shared/logger.js";
import { composeEmail } from "../../shared/mail/compose.js";
import type { SideEffectMap } from "../../shared/sideEffects/sideEffectMap.js";
import { defineJob, PermanentJobError } from "./defineJob.js";

interface SideEffectRow {
  id: string;
  kind: string;
  key: string;
  payload: SideEffectMap["email"];
  done_at: Date | null;
}

type Outcome = { sent: true } | { skipped: string } | { failed: unknown };

function exec<T = unknown[]>(em: EntityManager, sql: string, params: unknown[]): Promise<T> {
  return em.getConnection().execute(sql, params, "all", em.getTransactionContext()) as Promise<T>;
}

/** A 5xx reply (other than 503, a session-state error) will be refused again: retrying cannot help. */
function isPermanent(err: NodemailerError): boolean {
  if (typeof err.permanent === "boolean") return err.permanent;
  return typeof err.responseCode === "number" && err.responseCode >= 500 && err.responseCode !== 503;
}

function describe(err: NodemailerError): string {
  return [err.responseCode ?? err.code, err.response ?? err.message].filter(Boolean).join(" ");
}

/**
 * Records `done_at` of a sent email outside the transaction that held its row (that one died with
 * its connection), retrying every 250 ms for as long as the database stays away (up to
 * RECORD_SENT_PATIENCE_MS). Why not give up sooner: failing the job would send the email again. The
 * job stays this worker's meanwhile (Agenda runs a job once at a time here; another worker takes it
 * only once its lock lapsed, JOB_LOCK_LIFETIME_MS after it started); the first write after the
 * database is back is this one, within 250 ms, so an outage shorter than the lock lifetime sends
 * nothing twice. `done_at is null`: the lost commit may have landed after all.
 */
const RECORD_SENT_PATIENCE_MS = 10 * 60_000;

/** How long a run waits for its side effect's row (held by the relay's commit, or by another run). */
const CLAIM_WAIT_MS = 5000;
async function recordSent(orm: Orm, sideEffectId: number, cause: Error, log: Logger): Promise<void> {
  const deadline = Date.now() + RECORD_SENT_PATIENCE_MS;
  log.warn({ sideEffectId, err: cause.message }, "email accepted by SMTP but not recorded; recording it");
  for (;;) {
    try {
      await orm.em
        .getConnection()
        .execute(
          "update side_effects set done_at = now(), attempts = attempts + 1, last_error = null where id = ? and done_at is null",
          [sideEffectId],
          "run",
        );
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(250);
    }
  }
}

/**
 * Sends the email of one recorded side effect, at most once in the normal course of things:
 * - the side effect row stays locked (`for update`) from the check of `done_at` until `done_at` is
 *   committed, so two runs of the job (a lock that expired under a slow send) never send together
 *   (the second waits up to CLAIM_WAIT_MS, then finds it done or is retried);
 *   a worker killed mid-send loses its connection, and so its row lock, at once;
 * - `done_at` is set right after the SMTP server accepted the message, so a later run sends nothing.
 * - once the server accepted it, `done_at` is recorded even if the transaction holding the lock dies
 *   with its connection (a PostgreSQL restart mid-send, which used to send every email in flight
 *   twice): a plain update is retried on a fresh connection until the database is back.
 * What is left: a worker crash in the instant between the server's "250 accepted" and that commit
 * sends the email again on the retry. SMTP has no way to ask a server "did you already take this one?"; the
 * copies carry the same Message-ID (one per side effect), which mail clients use to fold duplicates.
 * A message the server had not accepted yet (killed while the server stalled DATA) is not delivered,
 * so the retry sends exactly one.
 *
 * Transient failures (4xx, connection refused, timeouts) are thrown and retried with backoff;
 * a permanent rejection (5xx) fails the job at once. Both are recorded on the side effect.
 */
export default defineJob({
  name: "sendEmail",
  // The side effect's done_at is the record; a failed job stays (listed, retryable).
  options: { removeOnComplete: true },
  async handler({ sideEffectId }, { deps, log }) {
    let accepted: { template: string; to: string } | null = null;
    const outcome = await deps.orm.em
      .fork()
      .transactional(async (em): Promise<Outcome> => {
        // Wait for the row, do not skip it: the relay saves this job (and Agenda wakes a worker) before
        // the relay's transaction, which holds the row, commits a moment later. Skipping it made such a
        // run fail and spend one of JOB_MAX_ATTEMPTS on nothing. A row held longer than CLAIM_WAIT is
        // another run sending this very email: give up (55P03), come back later and find it done.
        await exec(em as EntityManager, `set local lock_timeout = '${CLAIM_WAIT_MS}ms'`, []);
        const [row] = await exec<SideEffectRow[]>(
          em as EntityManager,
          "select id, kind, key, payload, done_at from side_effects where id = ? for update",
          [sideEffectId],
        ).catch((err) => {
          if ((err as { code?: string }).code !== "55P03") throw err;
          throw new Error(`side effect ${sideEffectId} is being sent by another run`);
        });
        if (!row) throw new PermanentJobError(`side effect ${sideEffectId} does not exist`);
        if (row.kind !== "email")
          throw new PermanentJobError(`side effect ${sideEffectId} is a ${row.kind}, not an email`);
        if (row.done_at) return { skipped: "already sent" };

        const composed = await composeEmail(em as EntityManager, {
          id: sideEffectId,
          key: row.key,
          payload: row.payload,
        });
        if ("skip" in composed) {
          await exec(em as EntityManager, "update side_effects set done_at = now(), last_error = ? where id = ?", [
            `not sent: ${composed.skip}`,
            sideEffectId,
          ]);
          return { skipped: composed.skip };
        }
        try {
          await deps.mailer.send(composed.email);
          accepted = { template: row.payload.template, to: composed.email.to.address };
        } catch (err) {
          // Committed with the transaction (the attempt is on record), then thrown below.
          await exec(
            em as EntityManager,
            "update side_effects set attempts = attempts + 1, last_error = ? where id = ?",
            [describe(err as NodemailerError).slice(0, 2000), sideEffectId],
          );
          return { failed: err };
        }
        await exec(
          em as EntityManager,
          "update side_effects set done_at = now(), attempts = attempts + 1, last_error = null where id = ?",
          [sideEffectId],
        );
        log.info({ sideEffectId, template: row.payload.template, to: composed.email.to.address }, "email sent");
        return { sent: true };
      })
      .catch(async (err): Promise<Outcome> => {
        if (!accepted) throw err;
        // The message is out; only its record was lost with the connection. Record it, never resend it.
        await recordSent(deps.orm, sideEffectId, err as Error, log);
        log.info({ sideEffectId, ...accepted }, "email sent (recorded once the database answered again)");
        return { sent: true };
      });

    if ("skipped" in outcome) log.info({ sideEffectId, reason: outcome.skipped }, "email not sent");
    if ("failed" in outcome) {
      const err = outcome.failed as NodemailerError;
      if (isPermanent(err)) throw new PermanentJobError(`email refused for good: ${describe(err)}`);
      throw err;
    }
  },
});
