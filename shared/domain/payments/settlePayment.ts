import type { Orm } from "../../db/orm.js";
import type { BookingStatus, PaymentView } from "../../events/eventMap.js";
import { logger } from "../../logger.js";
import type { ChapaClient, ChapaVerifiedTransaction, ChapaVerifyResult } from "../../payments/chapa/client.js";
import { lockListingAvailability } from "../bookings/listingAvailability.js";
import { inUnitOfWork as runCommand } from "../commands/unitOfWork.js";
import { settleFailure, settleSuccess } from "./settleOutcomes.js";
import { findPayment, type PaymentRecord, query, toPaymentView } from "./store.js";

/**
 * What a payment signal (webhook, return, callback, reconciliation) led to:
 * - `confirmed`: paid, booking confirmed. `refund_requested`: paid, but the booking could no longer be
 *   confirmed (hold expired, cancelled, already paid), so a refund was recorded. `failed`: Chapa says failed.
 * - `already_settled`: nothing to do (a duplicate or late signal). `pending`: Chapa has no outcome yet.
 * - `unknown`: no payment of ours has this tx_ref. `not_found_at_chapa`: Chapa does not know the tx_ref.
 * - `mismatch`: Chapa's tx_ref, amount, currency or mode differ from ours: never settled, logged at
 *   error level; the payment stays pending for an operator (reconciliation logs it again each run).
 */
export type SettleOutcome =
  | "confirmed"
  | "refund_requested"
  | "failed"
  | "already_settled"
  | "pending"
  | "unknown"
  | "not_found_at_chapa"
  | "mismatch";

export interface SettleResult {
  outcome: SettleOutcome;
  /** The payment after settling; null when the tx_ref is unknown. */
  payment: PaymentView | null;
}

/** Outcomes that changed the payment. */
export const SETTLING_OUTCOMES: ReadonlySet<SettleOutcome> = new Set(["confirmed", "refund_requested", "failed"]);

export interface LockedBooking {
  status: BookingStatus;
  /** expires_at is still in the future (by the database clock). */
  hold_live: boolean;
}

/**
 * Verifies a tx_ref with Chapa (the proof; the signal that brought us here is not) and settles it.
 * An unknown or already settled payment costs no call to Chapa. Throws ChapaError when Chapa cannot
 * be asked: the caller decides whether that is a retry (webhook: non-200) or a later reconciliation.
 */
export async function verifyAndSettle(orm: Orm, chapa: ChapaClient, txRef: string): Promise<SettleResult> {
  const current = await findPayment(orm.em.fork(), { txRef });
  if (!current) {
    logger.warn({ txRef }, "payment signal for an unknown tx_ref; nothing changed");
    return { outcome: "unknown", payment: null };
  }
  if (current.status !== "pending") return { outcome: "already_settled", payment: toPaymentView(current) };
  return settlePayment(orm, txRef, await chapa.verify(txRef));
}

/**
 * Settles one payment from Chapa's verification, in ONE transaction, exactly once: the payment row is
 * locked `for update` and a payment that is no longer pending is left as it is, so any number of
 * concurrent signals confirm once and record one set of events and side effects.
 */
export async function settlePayment(orm: Orm, txRef: string, verified: ChapaVerifyResult): Promise<SettleResult> {
  return runCommand(orm, async (tx) => {
    const found = await findPayment(tx.em, { txRef });
    if (!found) return { outcome: "unknown", payment: null };
    // Lock order listing → booking → payment, as in every booking command (transitionBooking, cancel),
    // so a settlement racing a cancellation or the hold sweeper waits for it instead of deadlocking.
    await lockListingAvailability(tx, found.listing_id);
    const [booking] = await query<LockedBooking>(
      tx.em,
      "select b.status, coalesce(b.expires_at > now(), false) as hold_live from bookings b where b.id = ? for update",
      [found.booking_id],
    );
    const payment = (await findPayment(tx.em, { txRef }, { forUpdate: true }))!;
    if (payment.status !== "pending") return { outcome: "already_settled", payment: toPaymentView(payment) };

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
    if (verified.status !== "pending") {
      logger.warn(
        { txRef, chapaStatus: verified.status },
        "unexpected Chapa status for a pending payment; left pending",
      );
    }
    return { outcome: "pending", payment: toPaymentView(payment) };
  });
}

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
