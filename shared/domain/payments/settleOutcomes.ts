import { sql } from "../../db/sql.js";
import { logger } from "../../logger.js";
import { transitionBooking } from "../bookings/transitionBooking.js";
import { bookingAudience, loadBookingView } from "../bookings/view.js";
import type { CommandTx } from "../commands/unitOfWork.js";
import type { PaymentStatus } from "../payments/status.js";
import type { LockedBooking, SettleResult } from "./settleTypes.js";
import { emitPaymentUpdated, type PaymentRecord } from "./store.js";

/*
 * The three ways a verified payment settles, each inside settlePayment's transaction with the listing,
 * booking and payment rows already locked and the payment known to be pending.
 */

/** Paid: confirms a live hold; anything else (expired, cancelled, already paid) gets its money back. */
export async function settleSuccess(
  tx: CommandTx,
  payment: PaymentRecord,
  booking: LockedBooking,
  chapaReference: string | null,
): Promise<SettleResult> {
  if (booking.status !== "pending_payment" || !booking.hold_live) {
    return refundLatePayment(tx, payment, booking, chapaReference);
  }
  await setPayment(tx, payment.id, "succeeded", chapaReference);
  const view = await emitPaymentUpdated(tx, payment.id);
  // Records booking.updated; the hold is live, so the dates stay blocked and no availability event follows.
  const { booking: confirmed } = await transitionBooking(tx, payment.booking_id, "confirmed");
  for (const [template, recipientUserId] of [
    ["booking_confirmed_guest", confirmed.guestId],
    ["booking_confirmed_host", confirmed.hostId],
  ] as const) {
    await tx.sideEffect("email", `email:${template}:${confirmed.id}`, {
      template,
      bookingId: confirmed.id,
      recipientUserId,
    });
  }
  return { outcome: "confirmed", payment: view };
}

/** Declined: the payment fails; the guest may start another while the hold lasts. */
export async function settleFailure(tx: CommandTx, payment: PaymentRecord): Promise<SettleResult> {
  await setPayment(tx, payment.id, "failed", null);
  const view = await emitPaymentUpdated(tx, payment.id);
  await tx.sideEffect("email", `email:payment_failed_guest:${payment.id}`, {
    template: "payment_failed_guest",
    bookingId: payment.booking_id,
    recipientUserId: payment.guest_id,
  });
  return { outcome: "failed", payment: view };
}

/**
 * Money arrived for a booking that can no longer take it. The payment is `succeeded` (Chapa holds the
 * money) with a refund requested; the worker's refundPayment job carries the refund out. A hold that
 * expired without the sweeper noticing yet is expired here, in the same transaction.
 */
async function refundLatePayment(
  tx: CommandTx,
  payment: PaymentRecord,
  booking: LockedBooking,
  chapaReference: string | null,
): Promise<SettleResult> {
  const reason =
    booking.status === "cancelled"
      ? "paid after the booking was cancelled"
      : booking.status === "pending_payment" || booking.status === "expired"
        ? "paid after the hold expired"
        : "paid again for a booking that was already paid";
  await setPayment(tx, payment.id, "succeeded", chapaReference, "requested");
  const view = await emitPaymentUpdated(tx, payment.id);

  const note = `${reason[0].toUpperCase()}${reason.slice(1)}; refunded.`;
  if (booking.status === "pending_payment") {
    // The hold stopped blocking when it ran out, but nobody said so: transitionBooking records the
    // listing.availability the sweeper would have (a booking leaving the active statuses).
    await transitionBooking(tx, payment.booking_id, "expired", { note });
  } else if (booking.status === "expired" || booking.status === "cancelled") {
    // Appended: the note may already say why it ended (e.g. "Cancelled by the guest.").
    await sql(tx.em)(
      "update bookings set note = case when coalesce(note, '') = '' then ? else note || ' ' || ? end, updated_at = now() where id = ?",
      [note, note, payment.booking_id],
    );
    const updated = (await loadBookingView(tx.em, payment.booking_id))!;
    await tx.emit({ type: "booking.updated", data: updated, userIds: bookingAudience(updated) });
  }
  // A confirmed or completed booking stays as it is: its note would describe another payment.

  await tx.sideEffect("refund", `refund:${payment.id}`, { paymentId: payment.id, reason });
  logger.warn(
    { txRef: payment.tx_ref, paymentId: payment.id, bookingId: payment.booking_id, bookingStatus: booking.status },
    `payment ${reason}; refund requested`,
  );
  return { outcome: "refund_requested", payment: view };
}

async function setPayment(
  tx: CommandTx,
  paymentId: string,
  status: PaymentStatus,
  chapaReference: string | null,
  refundStatus: "requested" | null = null,
): Promise<void> {
  await sql(tx.em)(
    `update payments
        set status = ?, chapa_reference = coalesce(?, chapa_reference), refund_status = coalesce(?, refund_status),
            updated_at = now()
      where id = ?`,
    [status, chapaReference, refundStatus, paymentId],
  );
}
