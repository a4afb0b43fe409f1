import type { EntityManager } from "@mikro-orm/postgresql";
import type { NodemailerError } from "nodemailer";
import { composeEmail } from "../../shared/domain/notifications/composeEmail.js";
import { emailsTotal } from "../../shared/metrics.js";
import {
  claimSideEffect,
  markDone,
  markFailed,
  recordDoneAfterConnectionLoss,
} from "../../shared/sideEffects/lifecycle.js";
import { defineJob, PermanentJobError } from "./defineJob.js";

type Outcome = { sent: true } | { skipped: string } | { failed: unknown };

/** A 5xx reply (other than 503, a session-state error) will be refused again: retrying cannot help. */
function isPermanent(err: NodemailerError): boolean {
  if (typeof err.permanent === "boolean") return err.permanent;
  return typeof err.responseCode === "number" && err.responseCode >= 500 && err.responseCode !== 503;
}

function describe(err: NodemailerError): string {
  return [err.responseCode ?? err.code, err.response ?? err.message].filter(Boolean).join(" ");
}

/**
 * Sends the email of one recorded side effect, at most once in the normal course of things:
 * - the side effect row stays locked (claimSideEffect, `for update`) from the check of `done_at` until
 *   `done_at` is committed, so two runs of the job (a lock that expired under a slow send) never send
 *   together (the second waits, then finds it done or is retried); a worker killed mid-send loses its
 *   connection, and so its row lock, at once;
 * - `done_at` is set right after the SMTP server accepted the message, so a later run sends nothing.
 * - once the server accepted it, `done_at` is recorded even if the transaction holding the lock dies
 *   with its connection (a PostgreSQL restart mid-send, which used to send every email in flight
 *   twice): a plain update is retried on a fresh connection until the database is back
 *   (recordDoneAfterConnectionLoss).
 * What is left: a worker crash in the instant between the server's "250 accepted" and that commit
 * sends the email again on the retry. SMTP has no way to ask a server "did you already take this one?"; the
 * copies carry the same Message-ID (one per side effect), which mail clients use to fold duplicates.
 * A message the server had not accepted yet (killed while the server stalled DATA) is not delivered,
 * so the retry sends exactly one.
 *
 * Transient failures (4xx, connection refused, timeouts) are thrown and retried with backoff;
 * a permanent rejection (5xx) fails the job at once. Both are recorded on the side effect (markFailed).
 * The claim, done and failed records are shared/sideEffects/lifecycle.ts, as for refunds.
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
        const claim = await claimSideEffect(em as EntityManager, sideEffectId, "email");
        if (claim.state === "missing") throw new PermanentJobError(`side effect ${sideEffectId} does not exist`);
        // Another run holds the row: it is sending this very email. Come back later and find it done.
        if (claim.state === "busy") throw new Error(`side effect ${sideEffectId} is being sent by another run`);
        if (claim.state === "wrong_kind")
          throw new PermanentJobError(`side effect ${sideEffectId} is a ${claim.kind}, not an email`);
        if (claim.state === "done") return { skipped: "already sent" };
        const row = claim.effect;

        const composed = await composeEmail(em as EntityManager, {
          id: sideEffectId,
          key: row.key,
          payload: row.payload,
        });
        if ("skip" in composed) {
          await markDone(em as EntityManager, sideEffectId, { attempted: false, note: `not sent: ${composed.skip}` });
          return { skipped: composed.skip };
        }
        try {
          await deps.mailer.send(composed.email);
          emailsTotal.inc({ template: row.payload.template, outcome: "sent" });
          accepted = { template: row.payload.template, to: composed.email.to.address };
        } catch (err) {
          emailsTotal.inc({ template: row.payload.template, outcome: "failed" });
          // Committed with the transaction (the attempt is on record), then thrown below.
          await markFailed(em as EntityManager, sideEffectId, describe(err as NodemailerError));
          return { failed: err };
        }
        await markDone(em as EntityManager, sideEffectId);
        log.info({ sideEffectId, template: row.payload.template, to: composed.email.to.address }, "email sent");
        return { sent: true };
      })
      .catch(async (err): Promise<Outcome> => {
        if (!accepted) throw err;
        // The message is out; only its record was lost with the connection. Record it, never resend it.
        await recordDoneAfterConnectionLoss(deps.orm, sideEffectId, err as Error, log);
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
