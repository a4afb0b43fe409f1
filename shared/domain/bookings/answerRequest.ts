import { forbidden, notFound } from "../../errors.js";
import type { Actor } from "../accounts/tokens.js";
import type { CommandTx } from "../commands/unitOfWork.js";
import { canSeeBooking } from "./policy.js";
import { type BookingView, loadBookingView } from "./view.js";

/**
 * Who may answer a request to book (accept or decline): the listing's host or an admin. Someone who
 * may not see the booking gets 404 (ids never reveal a booking), its guest 403.
 */
export async function loadRequestToAnswer(tx: CommandTx, actor: Actor, bookingId: string): Promise<BookingView> {
  const booking = await loadBookingView(tx.em, bookingId);
  if (!booking || !canSeeBooking(actor, booking)) throw notFound("booking");
  if (actor.role !== "admin" && actor.id !== booking.hostId) {
    throw forbidden("Only the listing's host can accept or decline a request to book.");
  }
  return booking;
}

/** "the host" or "an admin", for notes. */
export const answeredBy = (actor: Actor, booking: BookingView) =>
  actor.id === booking.hostId ? "the host" : "an admin";
