import type { EntityManager } from "@mikro-orm/postgresql";
import { sql } from "../../db/sql.js";
import type { SearchChange } from "../listings/searchChanges.js";
import type { StayRange } from "./view.js";

/**
 * "Booking `b` blocks its dates right now" (confirmed, or a hold that has not expired yet; an
 * expired hold never blocks, even before the sweeper marks it expired), over the bookings table
 * aliased `b`. The rule itself is the SQL function booking_blocks_dates() (migration
 * bookingReadModel), which hold_booking_dates() uses too; PostgreSQL inlines it, so the indexes
 * on status and expires_at still serve.
 */
export const BLOCKING_BOOKING_SQL = "booking_blocks_dates(b.status, b.expires_at)";

/** A booking's (`b`) nights as check_in, check_out; with its listing's city and country, what a search change needs. */
export const STAY_NIGHTS_SQL =
  "to_char(b.check_in, 'YYYY-MM-DD') as check_in, to_char(b.check_out, 'YYYY-MM-DD') as check_out";
/** The city and country of booking `b`'s listing, by subquery (RETURNING cannot join). */
export const BOOKING_PLACE_SQL = `(select l.city from listings l where l.id = b.listing_id) as city,
  (select l.country from listings l where l.id = b.listing_id) as country`;
export interface StayOfListing {
  check_in: string;
  check_out: string;
  city: string;
  country: string;
}

/** Search's view of nights becoming available (searchChanges.ts). */
export function nightsFreed(listingId: string, stay: StayOfListing): SearchChange {
  return {
    kind: "freed",
    listingId,
    city: stay.city,
    country: stay.country,
    nights: { checkIn: stay.check_in, checkOut: stay.check_out },
  };
}

/**
 * A listing's blocked stays, optionally only those overlapping [from, to): the bookings that block
 * their dates and the host's calendar blocks, one entry each (not merged; a block is not told apart
 * from a booking), ordered by check-in. The SQL function listing_blocked_json() (migrations
 * bookingRules, then calendarBlocks) builds them, the very one hold_booking_dates() puts in its
 * listing.availability event.
 */
export async function blockedRanges(
  em: EntityManager,
  listingId: string,
  window: { from?: string; to?: string } = {},
): Promise<StayRange[]> {
  const [{ blocked }] = await sql(em)<{ blocked: StayRange[] }>(
    "select listing_blocked_json(?::uuid, ?::date, ?::date) as blocked",
    [listingId, window.from ?? "-infinity", window.to ?? "infinity"],
  );
  return blocked;
}
