import { z } from "zod";
import { sql } from "../../db/sql.js";
import { notFound } from "../../errors.js";
import type { BookingView } from "../bookings/view.js";
import { defineCommand } from "../commands/define.js";
import { execute } from "../commands/execute.js";
import type { CommandTx } from "../commands/unitOfWork.js";
import type { CancellationRule } from "./cancellationPolicy.js";
import { assessCancellation, loadCancellationState } from "./cancellationQuote.js";
import { completeStay } from "./completePastStays.js";
import { lockListingAvailability } from "./listingAvailability.js";
import { StayOverError, transitionBooking } from "./transitionBooking.js";

export const cancelBookingInput = z.object({
  bookingId: z.guid(),
  refundAmount: z
    .int()
    .min(0)
    .optional()
    .describe("Admins only: the refund in minor units, 0 to what was paid (default: the policy's)"),
});

export interface CancelledBooking {
  booking: BookingView;
  refund: { amount: number; currency: BookingView["currency"] };
  rule: CancellationRule;
}

type Outcome = { outcome: "cancelled"; result: CancelledBooking } | { outcome: "completed" };

/**
 * The guest, the listing's host or an admin cancels a request, a hold or a confirmed stay; its dates
 * free up at once. The refund is assessCancellation()'s (the same as GET /bookings/:id/cancellation
 * answers at that moment): the policy's share for a guest, everything paid for the host, the policy's
 * or `refundAmount` for an admin. It is stored on the booking with who cancelled (cancelledBy,
 * refundAmount), and each paid payment it touches gets `refund_status = 'requested'` and a `refund`
 * side effect carrying its amount for the worker to carry out; a refund of 0 records none.
 *
 * A confirmed stay found over (its check-out day has begun) is completed instead, committed, and the
 * cancel answers 409 invalid_transition: two transactions, so the completion is not rolled back with
 * the refusal.
 */
export const cancelBooking = defineCommand({
  name: "bookings.cancel",
  input: cancelBookingInput,
  transaction: "self",
  async run({ actor, input, deps }): Promise<CancelledBooking> {
    const done = await execute(cancelOrComplete, { actor, input }, deps);
    if (done.outcome === "completed") throw new StayOverError(true);
    return done.result;
  },
});

const cancelOrComplete = defineCommand({
  name: "bookings.cancelOrComplete",
  input: cancelBookingInput,
  async run({ actor, input: { bookingId, refundAmount }, tx }): Promise<Outcome> {
    const q = sql(tx.em);
    const [found] = await q<{ listing_id: string }>("select listing_id from bookings where id = ?", [bookingId]);
    if (!found) throw notFound("booking");
    // Lock order listing → booking, as transitionBooking (which takes both again: both are re-entrant).
    await lockListingAvailability(tx, found.listing_id);
    const state = await loadCancellationState(tx.em, bookingId, { forUpdate: true });
    let assessed: ReturnType<typeof assessCancellation>;
    try {
      assessed = assessCancellation(actor, state, refundAmount);
    } catch (err) {
      if (!(err instanceof StayOverError && err.completable)) throw err;
      await completeStay(tx, bookingId);
      return { outcome: "completed" };
    }
    const { by, refund, rule } = assessed;
    // Before the move, so its booking.updated already says who cancelled and what it refunds.
    await q("update bookings set cancelled_by = ?, refund_amount = ? where id = ?", [by, refund, bookingId]);
    const { booking } = await transitionBooking(tx, bookingId, "cancelled", { note: `Cancelled by the ${by}.` });

    await requestRefunds(tx, bookingId, refund, `booking cancelled by the ${by}`);
    await tx.sideEffect("email", `email:booking_cancelled_guest:${bookingId}`, {
      template: "booking_cancelled_guest",
      bookingId,
      recipientUserId: booking.guestId,
    });
    await tx.sideEffect("email", `email:booking_cancelled_host:${bookingId}`, {
      template: "booking_cancelled_host",
      bookingId,
      recipientUserId: booking.hostId,
    });
    return { outcome: "cancelled", result: { booking, refund: { amount: refund, currency: booking.currency }, rule } };
  },
});

/**
 * Spreads `amount` over the booking's paid payments not refunded yet, oldest first (normally there is
 * one), each up to what remains of it: each touched is marked `refund_status = 'requested'` with a
 * `refund` side effect of its share. Checking payments rather than the status also covers a payment
 * that succeeded while the booking was still a hold.
 */
async function requestRefunds(tx: CommandTx, bookingId: string, amount: number, reason: string): Promise<void> {
  const payments = await sql(tx.em)<{ id: string; refundable: number }>(
    `select id, amount - refunded_amount as refundable from payments
      where booking_id = ? and status = 'succeeded' and refund_status is null
      order by created_at, id for update`,
    [bookingId],
  );
  let left = amount;
  for (const { id, refundable } of payments) {
    const share = Math.min(left, refundable);
    if (share <= 0) break;
    left -= share;
    await sql(tx.em)("update payments set refund_status = 'requested', updated_at = now() where id = ?", [id]);
    await tx.sideEffect("refund", `refund:${id}`, { paymentId: id, reason, amount: share });
  }
}
