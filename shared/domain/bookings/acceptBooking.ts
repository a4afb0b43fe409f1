import { z } from "zod";
import { config } from "../../config.js";
import { sql } from "../../db/sql.js";
import { conflict } from "../../errors.js";
import type { BookingView } from "../bookings/view.js";
import { defineCommand } from "../commands/define.js";
import { execute } from "../commands/execute.js";
import { answeredBy, loadRequestToAnswer } from "./answerRequest.js";
import { DEADLINE_NOTE } from "./declineLapsedRequests.js";
import { lockListingAvailability } from "./listingAvailability.js";
import { transitionBooking } from "./transitionBooking.js";

type Answer = { outcome: "accepted"; booking: BookingView } | { outcome: "lapsed"; booking: BookingView };

/**
 * The accept itself, one transaction. The deadline is checked under the booking's row lock (after
 * the listing's, the order every transition uses): a request whose deadline has passed is declined
 * here and now, as the deadline sweep would have (same note, same email key, one booking.updated),
 * and committed, so the caller can then refuse. Racing the sweep, exactly one of them acts: the
 * sweep skips a listing or row this transaction holds, and whichever comes second finds the status
 * changed.
 */
const acceptOrLapse = defineCommand({
  name: "bookings.acceptRequest",
  input: z.object({ bookingId: z.guid() }),
  async run({ actor, input: { bookingId }, tx }): Promise<Answer> {
    const current = await loadRequestToAnswer(tx, actor, bookingId);
    await lockListingAvailability(tx, current.listingId);
    const [row] = await sql(tx.em)<{ status: string; lapsed: boolean }>(
      "select status, expires_at <= now() as lapsed from bookings where id = ? for update",
      [bookingId],
    );
    if (row.status === "pending_approval" && row.lapsed) {
      const { booking } = await transitionBooking(tx, bookingId, "declined", { note: DEADLINE_NOTE });
      await tx.sideEffect("email", `email:booking_declined_guest:${bookingId}`, {
        template: "booking_declined_guest",
        bookingId,
        recipientUserId: booking.guestId,
      });
      return { outcome: "lapsed", booking };
    }
    if (row.status === "pending_approval") {
      // A fresh hold for payment, from now: the guest has as long to pay as after an instant booking.
      await sql(tx.em)("update bookings set expires_at = now() + make_interval(mins => ?) where id = ?", [
        config.BOOKING_HOLD_MINUTES,
        bookingId,
      ]);
    }
    // Any other status is refused here by the status machine (409 invalid_transition).
    const { booking } = await transitionBooking(tx, bookingId, "pending_payment", {
      note: `Accepted by ${answeredBy(actor, current)}.`,
    });
    await tx.sideEffect("email", `email:booking_accepted_guest:${bookingId}`, {
      template: "booking_accepted_guest",
      bookingId,
      recipientUserId: booking.guestId,
    });
    return { outcome: "accepted", booking };
  },
});

/**
 * The listing's host (or an admin) accepts a request to book: `pending_payment`, with a fresh hold
 * of BOOKING_HOLD_MINUTES for the guest to pay; the guest is told live (booking.updated) and by
 * email. Only a pending_approval booking within its deadline can be accepted: one past it is
 * declined (committed) and the accept is 409 invalid_transition; any other status is 409 too.
 */
export const acceptBooking = defineCommand({
  name: "bookings.accept",
  input: z.object({ bookingId: z.guid() }),
  transaction: "self",
  async run({ actor, input, deps }): Promise<BookingView> {
    const answer = await execute(acceptOrLapse, { actor, input }, deps);
    if (answer.outcome === "lapsed") {
      throw conflict(
        "invalid_transition",
        "This request passed its deadline before the host answered, so it has been declined and can no longer be accepted.",
      );
    }
    return answer.booking;
  },
});
