import { sql } from "../../db/sql.js";
import { logger } from "../../logger.js";
import { providerRefunds } from "../../metrics.js";
import { stayStarted } from "../bookings/cancellationPolicy.js";
import { loadCancellationState } from "../bookings/cancellationQuote.js";
import { transitionBooking } from "../bookings/transitionBooking.js";
import { bookingAudience, loadBookingView } from "../bookings/view.js";
import type { CommandTx } from "../commands/unitOfWork.js";
import type { SettleResult } from "./settleTypes.js";
import { emitPaymentUpdated, type PaymentRecord } from "./store.js";

/** Appended to the booking's note when Chapa refunded a stay that had begun: an operator decides. */
export const STARTED_STAY_REFUND_NOTE =
  "Chapa refunded the payment after the stay began; the booking is left as it is for an operator to review.";

/**
 * Chapa says the payment was refunded on its side (a `charge.refunded` webhook verified, or a verify
 * by reconciliation answering `refunded`), inside the settling transaction with the listing, booking
 * and payment rows locked, the payment pending or succeeded here:
 * - the payment becomes `refunded` (all of it: Chapa's verify knows no partial state), payment.updated
 *   and the refund_issued_guest email (the same key as the refund job's, so never twice);
 * - a refund we had asked for (refund_status requested) is only recorded: the booking is already as
 *   it should be, and the refund job, finding it refunded, just finishes;
 * - otherwise a booking still upcoming (a request, a hold, or confirmed before its check-in day began
 *   in the listing's time zone) is cancelled, cancelledBy `provider`, with the two cancellation emails;
 * - a confirmed stay that has begun (or a completed one) is flagged for an operator, not changed:
 *   a note, booking.updated, an error log, and the payment_refunded_host email.
 * Idempotent through the caller: a payment already refunded is never settled again.
 */
export async function settleProviderRefund(
  tx: CommandTx,
  payment: PaymentRecord,
  chapaReference: string | null,
): Promise<SettleResult> {
  const ours = payment.refund_status === "requested";
  await sql(tx.em)(
    `update payments set status = 'refunded', refunded_amount = amount, refund_status = 'succeeded',
            chapa_reference = coalesce(?, chapa_reference), updated_at = now()
      where id = ?`,
    [chapaReference, payment.id],
  );
  const view = await emitPaymentUpdated(tx, payment.id);
  await tx.sideEffect("email", `email:refund_issued_guest:${payment.id}`, {
    template: "refund_issued_guest",
    bookingId: payment.booking_id,
    recipientUserId: payment.guest_id,
  });
  const log = { txRef: payment.tx_ref, paymentId: payment.id, bookingId: payment.booking_id };
  if (ours) {
    providerRefunds.inc({ result: "ours" });
    logger.info(log, "Chapa reports the refund we asked for; payment refunded");
    return { outcome: "refunded_at_provider", payment: view };
  }

  const state = (await loadCancellationState(tx.em, payment.booking_id))!;
  const upcoming =
    state.status === "pending_approval" ||
    state.status === "pending_payment" ||
    (state.status === "confirmed" && !stayStarted(state.check_in, state.time_zone, state.now));
  if (upcoming) {
    await sql(tx.em)("update bookings set cancelled_by = 'provider', refund_amount = ? where id = ?", [
      payment.amount,
      payment.booking_id,
    ]);
    const { booking } = await transitionBooking(tx, payment.booking_id, "cancelled", {
      note: "Cancelled: the payment was refunded at Chapa.",
    });
    for (const [template, recipientUserId] of [
      ["booking_cancelled_guest", booking.guestId],
      ["booking_cancelled_host", booking.hostId],
    ] as const) {
      await tx.sideEffect("email", `email:${template}:${booking.id}`, {
        template,
        bookingId: booking.id,
        recipientUserId,
      });
    }
    providerRefunds.inc({ result: "booking_cancelled" });
    logger.warn({ ...log, bookingStatus: state.status }, "payment refunded at Chapa; upcoming booking cancelled");
  } else if (state.status === "confirmed" || state.status === "completed") {
    await sql(tx.em)(
      "update bookings set note = case when coalesce(note, '') = '' then ? else note || ' ' || ? end, updated_at = now() where id = ?",
      [STARTED_STAY_REFUND_NOTE, STARTED_STAY_REFUND_NOTE, payment.booking_id],
    );
    const booking = (await loadBookingView(tx.em, payment.booking_id))!;
    await tx.emit({ type: "booking.updated", data: booking, userIds: bookingAudience(booking) });
    await tx.sideEffect("email", `email:payment_refunded_host:${payment.id}`, {
      template: "payment_refunded_host",
      bookingId: booking.id,
      recipientUserId: booking.hostId,
    });
    providerRefunds.inc({ result: "flagged" });
    logger.error(
      { ...log, bookingStatus: state.status, alert: "provider_refund_after_check_in" },
      "PAYMENT REFUNDED AT CHAPA AFTER THE STAY BEGAN: booking left as it is, an operator must review",
    );
  }
  // Cancelled, expired or declined already: the refund matches the booking; nothing else to say.
  return { outcome: "refunded_at_provider", payment: view };
}
