import type { EntityManager } from "@mikro-orm/postgresql";
import { sql } from "../../db/sql.js";
import type { StayRange } from "./view.js";

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
 * Built as hold_booking_dates() builds its listing.availability event: the rule and the JSON are
 * its SQL functions (booking_blocks_dates, stay_range_json); bookings.test.ts proves they agree.
 */
export async function blockedRanges(
  em: EntityManager,
  listingId: string,
  window: { from?: string; to?: string } = {},
): Promise<StayRange[]> {
  const rows = await sql(em)<{ stay: StayRange }>(
    `select stay_range_json(b.check_in, b.check_out) as stay
       from bookings b
      where b.listing_id = ? and ${BLOCKING_BOOKING_SQL}
        and daterange(b.check_in, b.check_out, '[)') && daterange(?::date, ?::date, '[)')
      order by b.check_in`,
    [listingId, window.from ?? "-infinity", window.to ?? "infinity"],
  );
  return rows.map((r) => r.stay);
}
