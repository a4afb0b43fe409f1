import { conflict, forbidden, notFound } from "../../errors.js";
import type { Actor } from "../accounts/tokens.js";
import { type BookingParties, canSeeBooking } from "../bookings/policy.js";

/** What the review policy needs to know about a booking. */
export interface ReviewableBooking extends BookingParties {
  status: string;
}

/**
 * Only the guest of a completed stay may review it.
 * - Someone who may not see the booking gets 404 (the bookings policy decides who may): its
 *   existence is not theirs to learn.
 * - Its host or an admin may see it, so for them it is an honest 403.
 * - The guest of a stay that is not completed yet gets 409 invalid_transition: the same request
 *   will succeed once the stay is over, which is a state conflict rather than a permission.
 */
export function assertMayReview(actor: Actor, booking: ReviewableBooking | null): asserts booking is ReviewableBooking {
  if (!booking || !canSeeBooking(actor, booking)) throw notFound("booking");
  if (actor.id !== booking.guestId) throw forbidden("Only the guest of a stay may review it.");
  if (booking.status !== "completed") throw conflict("invalid_transition", "Only a completed stay can be reviewed.");
}
