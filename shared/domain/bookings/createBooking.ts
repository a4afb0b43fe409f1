import type { CommandTx } from "../../db/runCommand.js";
import { forbidden, notFound, validationFailed } from "../../errors.js";
import type { BookingView } from "../../events/eventMap.js";
import type { Actor } from "../accounts/tokens.js";
import { expireHolds } from "./expireHolds.js";
import { insertHold } from "./insertHold.js";
import { LOCK_LISTING_SQL } from "./listingAvailability.js";
import { canBookListing } from "./policy.js";
import type { CreateBookingInput } from "./stayInput.js";

/**
 * A guest holds a listing's dates until `expiresAt` (BOOKING_HOLD_MINUTES) while they pay.
 * There is no "is it free?" check first: the insert is attempted and the exclusion constraint
 * `bookings_no_overlap` decides, so two racing guests can never both win (23P01 → 409
 * dates_unavailable). Expired holds overlapping the stay are marked expired first, in the same
 * transaction, so an unpaid hold never blocks anyone.
 */
export async function createBooking({
  actor,
  input,
  tx,
}: {
  actor: Actor;
  input: CreateBookingInput;
  tx: CommandTx;
}): Promise<BookingView> {
  if (await lockAndPeekExpiredHolds(tx, input)) await expireHolds(tx, { listingId: input.listingId, range: input });
  const result = await insertHold(tx, actor, input);
  if (!result.inserted) {
    const listing = result.listing;
    // Archived listings are gone for guests (API.md: not searchable or bookable), hence 404.
    if (listing?.status !== "active") throw notFound("listing");
    if (!canBookListing(actor, listing)) throw forbidden("You cannot book your own listing.");
    throw validationFailed([{ path: "guests", message: `this listing hosts at most ${listing.maxGuests} guests` }]);
  }
  const { booking, blocked } = result;
  // The hold's two emails were recorded by the insert statement itself (see insertHold).
  await tx.emit({ type: "booking.created", data: booking, userIds: [booking.hostId] });
  await tx.emit({
    type: "listing.availability",
    listingId: booking.listingId,
    userIds: [],
    data: { listingId: booking.listingId, blocked },
  });
  return booking;
}

/**
 * One round trip: takes the listing's availability lock and tells whether an expired hold overlaps
 * the stay (rare: the sweeper gets most first). The peek reads a snapshot taken just before the lock
 * was granted; that is enough, since a hold that has expired was committed long before, and
 * expireHolds re-checks each row under its lock anyway.
 */
async function lockAndPeekExpiredHolds(tx: CommandTx, input: CreateBookingInput): Promise<boolean> {
  const [row] = await tx.em.getConnection().execute<{ expired: boolean }[]>(
    `select ${LOCK_LISTING_SQL} as locked, exists(
       select 1 from bookings b
        where b.listing_id = ? and b.status = 'pending_payment' and b.expires_at <= now()
          and daterange(b.check_in, b.check_out, '[)') && daterange(?::date, ?::date, '[)')) as expired`,
    [input.listingId, input.listingId, input.checkIn, input.checkOut],
    "all",
    tx.em.getTransactionContext(),
  );
  return row.expired;
}
