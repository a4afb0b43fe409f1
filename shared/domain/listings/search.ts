import { IsolationLevel } from "@mikro-orm/core";
import type { EntityManager } from "@mikro-orm/postgresql";
import { sql as runSql } from "../../db/sql.js";
import { afterCursor, toKeysetPage } from "../../pagination.js";
import { BLOCKING_BOOKING_SQL } from "../bookings/availability.js";
import type { SearchFilters } from "./schemas.js";
import type { ListingView } from "./view.js";
import { queryListings } from "./view.js";

export interface SearchPage {
  listings: ListingView[];
  nextCursor: string | null;
  /**
   * With dates: milliseconds until the earliest unpaid hold that may have hidden a listing from
   * this answer expires (the answer is wrong from then on); null when no hold played a part.
   */
  holdExpiresInMs: number | null;
}

/** Stays overlapping [checkIn, checkOut), with the bookings table aliased `b`; 2 parameters. */
const OVERLAPS_STAY_SQL = "daterange(b.check_in, b.check_out, '[)') && daterange(?::date, ?::date, '[)')";

/**
 * "Listing `l` is free from checkIn to checkOut": no booking that blocks right now (confirmed, or a
 * hold not yet expired) overlaps the stay, and no block of its host does. The same SQL rules,
 * booking_blocks_dates() and listing_blocks, as the availability endpoint (listing_blocked_json())
 * and the hold, so they cannot disagree. Parameters: listingFreeParams().
 */
export const LISTING_FREE_SQL = `not exists (select 1 from bookings b
  where b.listing_id = l.id and ${BLOCKING_BOOKING_SQL} and ${OVERLAPS_STAY_SQL})
  and not exists (select 1 from listing_blocks x
  where x.listing_id = l.id and x.check_in < ?::date and x.check_out > ?::date)`;

/** LISTING_FREE_SQL's parameters. */
const listingFreeParams = (checkIn: string, checkOut: string) => [checkIn, checkOut, checkOut, checkIn];

/** The filters on the listing itself (not dates, not paging), over `l`. */
function listingConditions(f: SearchFilters): { sql: string[]; params: unknown[] } {
  const sql = ["l.status = 'active'"];
  const params: unknown[] = [];
  const add = (condition: string, value: unknown) => {
    sql.push(condition);
    params.push(value);
  };
  // The filter values are already lower-cased (schemas.ts); lower() on both sides keeps SQL's idea of case.
  if (f.city !== undefined) add("lower(l.city) = lower(?)", f.city);
  if (f.country !== undefined) add("lower(l.country) = lower(?)", f.country);
  if (f.minPrice !== undefined) add("l.price_per_night >= ?", f.minPrice);
  if (f.maxPrice !== undefined) add("l.price_per_night <= ?", f.maxPrice);
  if (f.guests !== undefined) add("l.max_guests >= ?", f.guests);
  return { sql, params };
}

async function findPage(em: EntityManager, f: SearchFilters) {
  const { sql, params } = listingConditions(f);
  if (f.checkIn && f.checkOut) {
    sql.push(LISTING_FREE_SQL);
    params.push(...listingFreeParams(f.checkIn, f.checkOut));
  }
  if (f.cursor) {
    const after = afterCursor("l", "newest", f.cursor);
    sql.push(after.sql);
    params.push(...after.params);
  }
  const rows = await queryListings(
    em,
    sql.join(" and "),
    [...params, f.limit + 1],
    "order by l.created_at desc, l.id desc limit ?",
  );
  return toKeysetPage(em, "listings", rows, f.limit);
}

/**
 * Time left on the earliest live hold over these dates on any listing matching the other filters.
 * A superset of the holds that hid a listing from the page: erring towards a shorter cache life.
 */
async function earliestHoldExpiry(em: EntityManager, f: SearchFilters): Promise<number | null> {
  if (!f.checkIn || !f.checkOut) return null;
  const { sql, params } = listingConditions(f);
  const [row] = await runSql(em)<{ ms: string | null }>(
    `select floor(extract(epoch from (min(b.expires_at) - now())) * 1000)::bigint as ms
       from bookings b join listings l on l.id = b.listing_id
      where ${sql.join(" and ")} and b.status = 'pending_payment' and ${BLOCKING_BOOKING_SQL} and ${OVERLAPS_STAY_SQL}`,
    [...params, f.checkIn, f.checkOut],
  );
  return row?.ms === null || row?.ms === undefined ? null : Number(row.ms);
}

/**
 * One page of active listings matching the filters, newest first, straight from PostgreSQL (the
 * cache sits in front: searchCache.ts). Both reads share one snapshot and one now(), so a hold
 * cannot expire between hiding a listing and being counted in `holdExpiresInMs`.
 */
export async function searchListings(em: EntityManager, filters: SearchFilters): Promise<SearchPage> {
  const run = async (tx: EntityManager): Promise<SearchPage> => {
    const page = await findPage(tx, filters);
    return {
      listings: page.data,
      nextCursor: page.nextCursor,
      holdExpiresInMs: await earliestHoldExpiry(tx, filters),
    };
  };
  if (em.isInTransaction()) return run(em);
  return em.transactional(run, { isolationLevel: IsolationLevel.REPEATABLE_READ, readOnly: true });
}
