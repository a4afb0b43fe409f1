import type { Actor } from "../accounts/tokens.js";
import { type BookingParties, canSeeBooking } from "../bookings/policy.js";
import { ACTIVE_BOOKING_STATUSES } from "../bookings/status.js";

/** The conversation is readable by whoever may see the booking (admins included, for support). */
export function canReadMessages(actor: Actor, booking: BookingParties): boolean {
  return canSeeBooking(actor, booking);
}

/** Only the two parties write in it; an admin reading along does not speak for either. */
export function canPostMessage(actor: Actor, booking: BookingParties): boolean {
  return actor.id === booking.guestId || actor.id === booking.hostId;
}

/**
 * When a booking ended, over `bookings b`: null while it is active (pending_payment, confirmed); a
 * completed one at check-out (midnight UTC of the check-out day, the day completePastStays completes
 * it); any other (cancelled, expired, and any ending status added later) when it entered that status
 * (status_changed_at, kept by a trigger: a later note or refund moving updated_at does not count).
 */
export const BOOKING_ENDED_AT_SQL = `(case
  when b.status in (${ACTIVE_BOOKING_STATUSES.map((s) => `'${s}'`).join(", ")}) then null
  when b.status = 'completed' then b.check_out::timestamp at time zone 'utc'
  else b.status_changed_at
  end)`;

/**
 * "Its conversation is open", over `bookings b`: the booking is active, or ended less than `?` days ago
 * (one parameter: CONVERSATION_OPEN_DAYS_AFTER_END). Throw-away holds thus do not make a channel that
 * stays open forever, and parties can still settle a stay's loose ends for a while after it.
 */
export const CONVERSATION_OPEN_SQL = `(${BOOKING_ENDED_AT_SQL} is null or ${BOOKING_ENDED_AT_SQL} > now() - ?::int * interval '1 day')`;
