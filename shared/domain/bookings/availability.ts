import type { EntityManager } from "@mikro-orm/postgresql";
import { sql } from "../../db/sql.js";
import type { StayRange } from "../../events/eventMap.js";

/**
 * The SQL condition for a booking that blocks its dates right now: confirmed, or a hold that has
 * not expired yet. An expired hold never blocks, even before the sweeper marks it expired.
 * Use it with the bookings table aliased as `b`. hold_booking_dates() (its migration) has the same
 * rule in SQL: a change here needs a migration that redefines it (bookings.test.ts checks they agree).
 */
export const BLOCKING_BOOKING_SQL =
  "(b.status = 'confirmed' or (b.status = 'pending_payment' and b.expires_at > now()))";

/** A listing's blocked stays, optionally only those overlapping [from, to). Ordered by check-in. */
export async function blockedRanges(
  em: EntityManager,
  listingId: string,
  window: { from?: string; to?: string } = {},
): Promise<StayRange[]> {
  const rows = await sql(em)<{ check_in: string; check_out: string }>(
    `select to_char(b.check_in, 'YYYY-MM-DD') as check_in, to_char(b.check_out, 'YYYY-MM-DD') as check_out
       from bookings b
      where b.listing_id = ? and ${BLOCKING_BOOKING_SQL}
        and daterange(b.check_in, b.check_out, '[)') && daterange(?::date, ?::date, '[)')
      order by b.check_in`,
    [listingId, window.from ?? "-infinity", window.to ?? "infinity"],
  );
  return rows.map((r) => ({ checkIn: r.check_in, checkOut: r.check_out }));
}
