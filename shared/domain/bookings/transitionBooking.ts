import { sql } from "../../db/sql.js";
import { AppError, conflict, notFound } from "../../errors.js";
import { ACTIVE_BOOKING_STATUSES, type BookingStatus } from "../bookings/status.js";
import type { BookingView } from "../bookings/view.js";
import { mapDatabaseError } from "../commands/databaseErrors.js";
import type { CommandTx } from "../commands/unitOfWork.js";
import { BLOCKING_BOOKING_SQL, nightsFreed, STAY_NIGHTS_SQL, type StayOfListing } from "./availability.js";
import { emitAvailabilityChanged, lockListingAvailability } from "./listingAvailability.js";
import { assertTransition } from "./statusMachine.js";
import { bookingAudience, loadBookingView } from "./view.js";

export interface TransitionResult {
  /** The status the booking had under the lock, just before this move. */
  before: BookingStatus;
  booking: BookingView;
}

/**
 * 409 invalid_transition because the stay is over (its check-out day has begun in the listing's time
 * zone): nothing may act on it as if it were still to come. `completable`: it is a confirmed stay, which
 * the caller may complete instead (completeStay) in the same transaction, as cancelBooking does; the
 * completion sweep does it otherwise within CRON_COMPLETE_STAYS_EVERY.
 */
export class StayOverError extends AppError {
  constructor(readonly completable: boolean) {
    super(
      "invalid_transition",
      409,
      completable
        ? "This stay is over (its check-out day has begun): it is completed, and can no longer be changed."
        : "This stay's dates are over (its check-out day has begun): it can no longer go ahead.",
    );
  }
}

/** Moves that may still happen to a stay that is over: those that end it. */
const ENDINGS: readonly BookingStatus[] = ["completed", "expired", "declined"];

/**
 * Moves one booking to `to` in the caller's transaction: takes the listing's availability lock,
 * then the booking row (`for update`, so a concurrent confirm and cancel cannot both win), checks
 * the status machine (409 invalid_transition), and records `booking.updated` for guest and host,
 * plus `listing.availability` when the move changes whether the stay blocks its dates.
 * Confirming a hold whose dates were meanwhile taken (it had expired) is 409 dates_unavailable.
 * The dates are checked too: once the check-out day has begun (stay_over(), listing's time zone), a
 * confirmed stay may only become completed, and a hold or request only end (expired, declined,
 * cancelled); anything else throws StayOverError (409 invalid_transition).
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
  const [locked] = await q<{ status: BookingStatus; blocking: boolean; over: boolean } & StayOfListing>(
    `select b.status, ${BLOCKING_BOOKING_SQL} as blocking, stay_over(b.check_out, l.time_zone) as over,
            ${STAY_NIGHTS_SQL}, l.city, l.country
       from bookings b join listings l on l.id = b.listing_id where b.id = ? for update of b`,
    [bookingId],
  );
  assertTransition(locked.status, to);
  if (locked.over && !ENDINGS.includes(to)) {
    const confirmed = locked.status === "confirmed";
    // A hold or request may still be withdrawn (nothing happened); a confirmed stay has happened.
    if (confirmed || to !== "cancelled") throw new StayOverError(confirmed);
  }
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
  // Search: nights taken again (a lapsed hold paid), or freed (a lapsed one is conservatively freed too:
  // an answer it shaped may outlive its deadline).
  const nights = { checkIn: locked.check_in, checkOut: locked.check_out };
  if (blocking && !locked.blocking) tx.searchChanged({ kind: "taken", listingId: booking.listingId, nights });
  else if ((locked.blocking && !blocking) || leftActive) tx.searchChanged(nightsFreed(booking.listingId, locked));
  return { before: locked.status, booking };
}
