import type { Actor } from "../accounts/tokens.js";
import { canSeeBooking } from "../bookings/policy.js";

/**
 * Only the booking's guest starts its payment. Anyone else gets 404 rather than 403 (even the host
 * and admins, who may see the booking but never pay for someone else's stay).
 */
export function canStartPayment(actor: Actor, booking: { guestId: string }): boolean {
  return actor.id === booking.guestId;
}

/** A payment is seen by whoever may see its booking: the payer, the listing's host, an admin. */
export function canSeePayment(actor: Actor, payment: { guestId: string; hostId: string }): boolean {
  return canSeeBooking(actor, payment);
}
