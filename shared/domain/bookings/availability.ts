import type { EntityManager } from "@mikro-orm/postgresql";
import { z } from "zod";

/** A stay [checkIn, checkOut) as the availability endpoint and listing.availability show it. */
export const stayRangeSchema = z.object({ checkIn: z.iso.date(), checkOut: z.iso.date() });
export type StayRange = z.infer<typeof stayRangeSchema>;

/**
 * "Booking `b` blocks its dates right now" (confirmed, or a hold that has not expired yet; an
 * expired hold never blocks, even before the sweeper marks it expired), over the bookings table
 * aliased `b`. The rule itself is the SQL function booking_blocks_dates() (migration
 * bookingReadModel), which hold_booking_dates() uses too; PostgreSQL inlines it, so the indexes
 * on status and expires_at still serve.
 */
export const BLOCKING_BOOKING_SQL = "booking_blocks_dates(b.status, b.expires_at)";

/**
 * A listing's blocked stays, optionally only those overlapping [from, to). Ordered by check-in.
 * listing_blocked_stays() builds them, the same function hold_booking_dates() uses for its event.
 */
export async function blockedRanges(
  em: EntityManager,
  listingId: string,
  window: { from?: string; to?: string } = {},
): Promise<StayRange[]> {
  const [row] = await em
    .getConnection()
    .execute<{ blocked: StayRange[] }[]>(
      "select listing_blocked_stays(?::uuid, ?::date, ?::date) as blocked",
      [listingId, window.from ?? "-infinity", window.to ?? "infinity"],
      "all",
      em.getTransactionContext(),
    );
  return row.blocked;
}
