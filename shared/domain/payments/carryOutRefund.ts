import type { EntityManager } from "@mikro-orm/postgresql";
import { z } from "zod";
import { sql } from "../../db/sql.js";
import { logger } from "../../logger.js";
import { ChapaError } from "../../payments/chapa/client.js";
import { claimSideEffect, markDone, markFailed } from "../../sideEffects/lifecycle.js";
import { defineCommand } from "../commands/define.js";
import type { CommandTx } from "../commands/unitOfWork.js";
import type { ChapaDeps } from "./settlePayment.js";
import { emitPaymentUpdated, findPayment } from "./store.js";

export type RefundOutcome =
  /** Chapa refunded it (or had already): our payment is `refunded`, or keeps `succeeded` with a partial refund. */
  | { status: "refunded"; amount: number }
  /** The side effect was carried out before: nothing done. */
  | { status: "already_done" }
  /** Retrying cannot help (Chapa refused with a 4xx, or the data is wrong); marked failed for an operator. */
  | { status: "rejected"; reason: string }
  /** Chapa could not be reached or failed (5xx): the attempt is on record (committed); the job retries. */
  | { status: "retry"; error: unknown };

/** Chapa's answers to a refund that already happened: a retry after our commit failed, or a second run. */
const ALREADY_REFUNDED = /already been refunded|refund reference has been used before/i;

/**
 * Carries out one recorded `refund` side effect (by side_effects id): asks Chapa to refund its amount
 * (the payload's, or all that remains of the payment), then adds it to the payment's refunded_amount
 * (refund_status succeeded; the payment becomes `refunded` once all of it is back), marks the side
 * effect done, and records payment.updated and the refund_issued_guest email. Idempotent: a done side effect does nothing, and
 * Chapa's "already refunded" counts as success. Network errors and 5xx (after the client's own
 * retries) are recorded as a failed attempt and answered `retry` (the job throws it, so it is retried
 * with backoff; the record commits first); a 4xx is permanent. A system command, run by the
 * refundPayment job through execute().
 *
 * One transaction from claim to done (shared/sideEffects/lifecycle.ts, as for emails): the side
 * effect's row stays locked while Chapa is asked, so two runs never refund together; the payment's
 * row is locked only after Chapa answered, as before (webhooks for it are not held up by Chapa).
 */
export const carryOutRefund = defineCommand({
  name: "payments.carryOutRefund",
  actor: "system",
  input: z.object({ sideEffectId: z.number().int().positive() }),
  async run({
    input: { sideEffectId },
    tx,
    deps,
  }: {
    input: { sideEffectId: number };
    tx: CommandTx;
    deps: ChapaDeps;
  }): Promise<RefundOutcome> {
    const { chapa } = deps;
    const claim = await claimSideEffect(tx.em, sideEffectId, "refund");
    if (claim.state === "busy")
      throw new Error(`refund side effect ${sideEffectId} is being carried out by another run`);
    if (claim.state === "done") return { status: "already_done" };
    if (claim.state !== "claimed") return reject(tx.em, sideEffectId, null, `no refund side effect #${sideEffectId}`);
    const { payload } = claim.effect;
    const payment = await findPayment(tx.em, { id: payload.paymentId });
    if (!payment) return reject(tx.em, sideEffectId, null, `payment ${payload.paymentId} does not exist`);
    if (payment.status !== "succeeded" && payment.status !== "refunded") {
      return reject(
        tx.em,
        sideEffectId,
        payment.id,
        `payment ${payment.tx_ref} is ${payment.status}; only a paid one is refunded`,
      );
    }

    const remaining = payment.amount - payment.refunded_amount;
    const amount = Math.min(payload.amount ?? remaining, remaining);
    const askChapa = payment.status === "succeeded" && amount > 0;
    if (askChapa) {
      try {
        await chapa.refund(payment.tx_ref, {
          reason: payload.reason,
          amount,
          reference: `nexus-refund-${payment.id}`,
        });
      } catch (err) {
        const permanent = err instanceof ChapaError && err.status !== null && err.status < 500;
        if (!permanent) {
          // Committed (the attempt is on record), then thrown below for a retry.
          await markFailed(tx.em, sideEffectId, `Chapa refund of ${payment.tx_ref} failed: ${(err as Error).message}`);
          return { status: "retry", error: err };
        }
        if (!ALREADY_REFUNDED.test(err.chapaMessage ?? "")) {
          return reject(
            tx.em,
            sideEffectId,
            payment.id,
            `Chapa refused the refund of ${payment.tx_ref}: ${err.message}`,
            { attempted: true },
          );
        }
      }
    }

    const locked = (await findPayment(tx.em, { id: payment.id }, { forUpdate: true }))!;
    if (!(await markDone(tx.em, sideEffectId, { attempted: askChapa }))) return { status: "already_done" };
    if (locked.status !== "refunded" && amount > 0) {
      await sql(tx.em)(
        `update payments set refunded_amount = least(amount, refunded_amount + ?),
                status = case when refunded_amount + ? >= amount then 'refunded' else status end,
                refund_status = 'succeeded', updated_at = now()
          where id = ?`,
        [amount, amount, locked.id],
      );
      await emitPaymentUpdated(tx, locked.id);
      await tx.sideEffect("email", `email:refund_issued_guest:${locked.id}`, {
        template: "refund_issued_guest",
        bookingId: locked.booking_id,
        recipientUserId: locked.guest_id,
      });
    }
    logger.info({ txRef: locked.tx_ref, paymentId: locked.id, sideEffectId, amount }, "payment refunded");
    return { status: "refunded", amount };
  },
});

/**
 * Marks the refund failed so an operator sees it (refund_status, the side effect's last_error), loudly.
 * In the claim's transaction, which commits it.
 */
async function reject(
  em: EntityManager,
  sideEffectId: number,
  paymentId: string | null,
  reason: string,
  { attempted = false } = {},
): Promise<RefundOutcome> {
  await markFailed(em, sideEffectId, reason, { attempted });
  if (paymentId) {
    await sql(em)("update payments set refund_status = 'failed', updated_at = now() where id = ?", [paymentId]);
  }
  logger.error({ sideEffectId, paymentId }, `REFUND FAILED, an operator must act: ${reason}`);
  return { status: "rejected", reason };
}
