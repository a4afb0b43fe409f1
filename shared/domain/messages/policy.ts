import type { Actor } from "../accounts/tokens.js";
import { type BookingParties, canSeeBooking } from "../bookings/policy.js";

/** The conversation is readable by whoever may see the booking (admins included, for support). */
export function canReadMessages(actor: Actor, booking: BookingParties): boolean {
  return canSeeBooking(actor, booking);
}

/** Only the two parties write in it; an admin reading along does not speak for either. */
export function canPostMessage(actor: Actor, booking: BookingParties): boolean {
  return actor.id === booking.guestId || actor.id === booking.hostId;
}
