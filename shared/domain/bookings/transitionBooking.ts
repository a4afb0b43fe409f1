import { sql } from "../../db/sql.js";
import { conflict, notFound } from "../../errors.js";
import { ACTIVE_BOOKING_STATUSES, type BookingStatus } from "../bookings/status.js";
import type { BookingView } from "../bookings/view.js";
import { mapDatabaseError } from "../commands/databaseErrors.js";
import type { CommandTx } from "../commands/unitOfWork.js";
import { BLOCKING_BOOKING_SQL } from "./availability.js";
import { emitAvailabilityChanged, lockListingAvailability } from "./listingAvailability.js";
import { assertTransition } from "./statusMachine.js";
import { bookingAudience, loadBookingView } from "./view.js";

export interface TransitionResult {
  /** The status the booking had under the lock, just before this move. */
  before: BookingStatus;
  booking: BookingView;
}

/**
 * Moves one booking to `to` in the caller's transaction: takes the listing's availability lock,
 * then the booking row (`for update`, so a concurrent confirm and cancel cannot both win), checks
 * the status machine (409 invalid_transition), and records `booking.updated` for guest and host,
 * plus `listing.availability` when the move changes whether the stay blocks its dates.
 * Confirming a hold whose dates were meanwhile taken (it had expired) is 409 dates_unavailable.
 * Call it before locking the booking row yourself. Use-case side effects (emails, refunds) are the caller's.
 */
export async function transitionBooking(
  tx: CommandTx,
  bookingId: string,
  to: BookingStatus,
  options: { note?: string } = {},
): Promise<TransitionResult> {
  const q = sql(tx.em);
  const [found] = await q<{ listing_id: string }>("select listing_id from bookings where id = ?", [bookingId]);
  if (!found) throw notFound("booking");
  await lockListingAvailability(tx, found.listing_id);
  const [locked] = await q<{ status: BookingStatus; blocking: boolean }>(
    `select b.status, ${BLOCKING_BOOKING_SQL} as blocking from bookings b where b.id = ? for update`,
    [bookingId],
  );
  assertTransition(locked.status, to);
  let blocking: boolean;
  try {
    const [updated] = await q<{ blocking: boolean }>(
      `update bookings b set status = ?, note = coalesce(?, b.note), updated_at = now()
        where b.id = ? returning ${BLOCKING_BOOKING_SQL} as blocking`,
      [to, options.note ?? null, bookingId],
    );
    blocking = updated.blocking;
  } catch (err) {
    // Here, not in each command's rules: a step shared by cancel and settlement, with its own message.
    throw mapDatabaseError(err, {
      exclusion: conflict("dates_unavailable", "Those dates have been booked by someone else meanwhile."),
    });
  }
  const booking = (await loadBookingView(tx.em, bookingId))!;
  await tx.emit({ type: "booking.updated", data: booking, userIds: bookingAudience(booking) });
  // Also when a lapsed hold (no longer blocking, but still shown by the feed's last event until a
  // sweep expires it) leaves the active statuses some other way: a sweep will never announce it.
  const active = (status: BookingStatus) => (ACTIVE_BOOKING_STATUSES as readonly BookingStatus[]).includes(status);
  const leftActive = active(locked.status) && !active(to);
  if (blocking !== locked.blocking || leftActive) await emitAvailabilityChanged(tx, booking.listingId);
  return { before: locked.status, booking };
}
