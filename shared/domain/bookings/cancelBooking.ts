import { z } from "zod";
import { sql } from "../../db/sql.js";
import { notFound } from "../../errors.js";
import type { BookingView } from "../bookings/view.js";
import { defineCommand } from "../commands/define.js";
import type { CommandTx } from "../commands/unitOfWork.js";
import { canCancelBooking } from "./policy.js";
import { transitionBooking } from "./transitionBooking.js";
import { loadBookingView } from "./view.js";

/**
 * The guest, the listing's host or an admin cancels a held or confirmed booking; its dates free up
 * at once. Money already taken goes back: each succeeded payment not yet refunded is marked
 * `refund_status = 'requested'` and a `refund` side effect is recorded for the worker to carry out.
 * Cached searches are invalidated before it returns.
 */
export const cancelBooking = defineCommand({
  name: "bookings.cancel",
  input: z.object({ bookingId: z.guid() }),
  invalidates: { search: true },
  async run({ actor, input: { bookingId }, tx }): Promise<BookingView> {
    const current = await loadBookingView(tx.em, bookingId);
    if (!current || !canCancelBooking(actor, current)) throw notFound("booking");
    const by = actor.id === current.guestId ? "guest" : actor.id === current.hostId ? "host" : "admin";
    const { booking } = await transitionBooking(tx, bookingId, "cancelled", { note: `Cancelled by the ${by}.` });

    await requestRefunds(tx, bookingId, `booking cancelled by the ${by}`);
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
    return booking;
  },
});

/**
 * Normally only a confirmed booking has a succeeded payment; checking payments rather than the
 * previous status also refunds a payment that succeeded while the booking was still a hold.
 */
async function requestRefunds(tx: CommandTx, bookingId: string, reason: string): Promise<void> {
  const refunds = await sql(tx.em)<{ id: string }>(
    `update payments set refund_status = 'requested', updated_at = now()
      where booking_id = ? and status = 'succeeded' and refund_status is null
      returning id`,
    [bookingId],
  );
  for (const { id } of refunds) await tx.sideEffect("refund", `refund:${id}`, { paymentId: id, reason });
}
