import { z } from "zod";
import type { BookingView } from "../bookings/view.js";
import { defineCommand } from "../commands/define.js";
import { answeredBy, loadRequestToAnswer } from "./answerRequest.js";
import { transitionBooking } from "./transitionBooking.js";

/**
 * The listing's host (or an admin) declines a request to book: `declined`, its dates free up at
 * once (listing.availability), the guest is told live (booking.updated) and by email. Only a
 * pending_approval booking can be declined (409 invalid_transition otherwise: the status machine).
 * Nothing was paid, so nothing is refunded.
 */
export const declineBooking = defineCommand({
  name: "bookings.decline",
  input: z.object({ bookingId: z.guid() }),
  async run({ actor, input: { bookingId }, tx }): Promise<BookingView> {
    const current = await loadRequestToAnswer(tx, actor, bookingId);
    const { booking } = await transitionBooking(tx, bookingId, "declined", {
      note: `Declined by ${answeredBy(actor, current)}.`,
    });
    await tx.sideEffect("email", `email:booking_declined_guest:${bookingId}`, {
      template: "booking_declined_guest",
      bookingId,
      recipientUserId: booking.guestId,
    });
    return booking;
  },
});
