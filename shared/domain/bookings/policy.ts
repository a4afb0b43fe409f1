import type { Actor } from "../accounts/tokens.js";

/** The two people a booking belongs to. */
export interface BookingParties {
  guestId: string;
  hostId: string;
}

/**
 * Who may see a booking (and its events): its guest, its listing's host, an admin. Anyone else
 * gets 404 rather than 403, so booking ids never reveal that a booking exists.
 */
export function canSeeBooking(actor: Actor, booking: BookingParties): boolean {
  return actor.role === "admin" || actor.id === booking.guestId || actor.id === booking.hostId;
}

/** Guest, host and admin may cancel (the host on the guest's behalf, an admin for support). */
export function canCancelBooking(actor: Actor, booking: BookingParties): boolean {
  return canSeeBooking(actor, booking);
}

/** Anyone may book, except a host their own listing. */
export function canBookListing(actor: Actor, listing: { hostId: string }): boolean {
  return actor.id !== listing.hostId;
}
