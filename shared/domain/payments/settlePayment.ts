import type { Redis } from "ioredis";
import { z } from "zod";
import { sql } from "../../db/sql.js";
import { logger } from "../../logger.js";
import type { ChapaClient, ChapaVerifiedTransaction, ChapaVerifyResult } from "../../payments/chapa/client.js";
import { lockListingAvailability } from "../bookings/listingAvailability.js";
import { defineCommand } from "../commands/define.js";
import { execute } from "../commands/execute.js";
import type { DatabaseDeps } from "../deps.js";
import { settleFailure, settleSuccess } from "./settleOutcomes.js";
import { settleProviderRefund } from "./settleProviderRefund.js";
import type { LockedBooking, SettleResult } from "./settleTypes.js";
import { findPayment, type PaymentRecord, toPaymentView } from "./store.js";

/**
 * Verifies a tx_ref with Chapa (the proof; the signal that brought us here is not) and settles it.
 * An unknown or already settled payment costs no call to Chapa, except a paid one when the signal says
 * it was refunded (`refundSignal`: a charge.refunded webhook): then Chapa's verify decides, and a
 * `refunded` answer settles the refund made at Chapa (settleProviderRefund.ts). Throws ChapaError when Chapa cannot
 * be asked: the caller decides whether that is a retry (webhook: non-200) or a later reconciliation.
 */
export const verifyAndSettle = defineCommand({
  name: "payments.verifyAndSettle",
  actor: "system",
  input: z.object({ txRef: z.string(), refundSignal: z.boolean().optional() }),
  transaction: "self",
  async run({
    input: { txRef, refundSignal },
    deps,
  }: {
    input: { txRef: string; refundSignal?: boolean };
    deps: ChapaDeps;
  }): Promise<SettleResult> {
    const current = await findPayment(deps.orm.em.fork(), { txRef });
    if (!current) {
      logger.warn({ txRef }, "payment signal for an unknown tx_ref; nothing changed");
      return { outcome: "unknown", payment: null };
    }
    const refundOfPaid = current.status === "succeeded" && refundSignal === true;
    if (current.status !== "pending" && !refundOfPaid) {
      return { outcome: "already_settled", payment: toPaymentView(current) };
    }
    const verified = await deps.chapa.verify(txRef);
    return execute(settlePayment, { actor: null, input: { txRef, verified } }, deps);
  },
});

/**
 * What the payment commands that ask Chapa need; Redis, when the caller has it, for the cached searches
 * a settlement changes (a refund at Chapa cancels a booking: its nights free up).
 */
export interface ChapaDeps extends DatabaseDeps {
  chapa: ChapaClient;
  redis?: Redis;
}

/**
 * Settles one payment from Chapa's verification, in ONE transaction, exactly once: the payment row is
 * locked `for update` and a payment that is no longer pending is left as it is, so any number of
 * concurrent signals confirm once and record one set of events and side effects.
 */
export const settlePayment = defineCommand({
  name: "payments.settle",
  actor: "system",
  // Payments by outcome in nexus_commands_total: confirmed, failed, refund_requested, already_settled…
  outcome: (r: SettleResult) => r.outcome,
  input: z.object({ txRef: z.string(), verified: z.custom<ChapaVerifyResult>() }),
  // Confirming a hold whose dates were taken meanwhile: transitionBooking's own dates_unavailable.
  async run({ input: { txRef, verified }, tx }): Promise<SettleResult> {
    const found = await findPayment(tx.em, { txRef });
    if (!found) return { outcome: "unknown", payment: null };
    // Lock order listing → booking → payment, as in every booking command (transitionBooking, cancel),
    // so a settlement racing a cancellation or the hold sweeper waits for it instead of deadlocking.
    await lockListingAvailability(tx, found.listing_id);
    const [booking] = await sql(tx.em)<LockedBooking>(
      // A hold whose stay is already over (check-out day begun) is not live either: it is refunded, not confirmed.
      `select b.status, coalesce(b.expires_at > now(), false) and not stay_over(b.check_out, l.time_zone) as hold_live
         from bookings b join listings l on l.id = b.listing_id where b.id = ? for update of b`,
      [found.booking_id],
    );
    const payment = (await findPayment(tx.em, { txRef }, { forUpdate: true }))!;
    // A paid payment settles only a refund made at Chapa (its verify now says refunded).
    const refundOfPaid = payment.status === "succeeded" && verified.found && verified.status === "refunded";
    if (payment.status !== "pending" && !refundOfPaid) {
      return { outcome: "already_settled", payment: toPaymentView(payment) };
    }

    if (!verified.found) {
      logger.warn({ txRef, message: verified.message }, "Chapa does not know this tx_ref; payment left pending");
      return { outcome: "not_found_at_chapa", payment: toPaymentView(payment) };
    }
    const mismatch = findMismatch(payment, verified);
    if (mismatch) {
      logger.error(
        {
          txRef,
          paymentId: payment.id,
          bookingId: payment.booking_id,
          fields: mismatch,
          ...compared(payment, verified),
        },
        "Chapa's verification does not match the stored payment; NOT settled, an operator must look",
      );
      return { outcome: "mismatch", payment: toPaymentView(payment) };
    }
    if (verified.status === "success") return settleSuccess(tx, payment, booking, verified.reference);
    if (verified.status === "failed") return settleFailure(tx, payment);
    if (verified.status === "refunded") return settleProviderRefund(tx, payment, verified.reference);
    if (verified.status !== "pending") {
      logger.warn(
        { txRef, chapaStatus: verified.status },
        "unexpected Chapa status for a pending payment; left pending",
      );
    }
    return { outcome: "pending", payment: toPaymentView(payment) };
  },
});

function findMismatch(payment: PaymentRecord, verified: ChapaVerifiedTransaction): string[] | null {
  const fields: string[] = [];
  if (verified.txRef !== payment.tx_ref) fields.push("txRef");
  if (verified.amount !== payment.amount) fields.push("amount");
  if (verified.currency !== payment.currency) fields.push("currency");
  if (verified.mode !== payment.mode) fields.push("mode");
  return fields.length ? fields : null;
}

function compared(payment: PaymentRecord, verified: ChapaVerifiedTransaction) {
  return {
    expected: { txRef: payment.tx_ref, amount: payment.amount, currency: payment.currency, mode: payment.mode },
    received: { txRef: verified.txRef, amount: verified.amount, currency: verified.currency, mode: verified.mode },
  };
}

export type { SettleOutcome, SettleResult } from "./settleTypes.js";
export { SETTLING_OUTCOMES } from "./settleTypes.js";
