import { sql } from "../../db/sql.js";
import type { BookingStatus } from "../bookings/status.js";
import type { StayRange } from "../bookings/view.js";
import type { CommandTx } from "../commands/unitOfWork.js";
import { announceSweep } from "./announceSweep.js";
import { BOOKING_PLACE_SQL, nightsFreed, STAY_NIGHTS_SQL, type StayOfListing } from "./availability.js";

import { tryLockListingsAvailability } from "./listingAvailability.js";

export interface ExpireHoldsFilter {
  /** Only this listing's holds (createBooking: the listing being booked). */
  listingId?: string;
  /** Only holds overlapping these dates. */
  range?: StayRange;
  /** At most this many holds in one go (default 500), so a sweep's transaction stays short. */
  limit?: number;
}

const DEFAULT_LIMIT = 500;

/**
 * The two ways a booking's time runs out, each swept the same way: an unpaid hold past `expires_at`
 * becomes expired; a request to book past its approval deadline becomes declined (with a note the
 * guest's email and page show).
 */
const LAPSES = {
  hold: { from: "pending_payment", to: "expired", note: null, email: "hold_expired_guest" },
  request: {
    from: "pending_approval",
    to: "declined",
    note: "The host did not answer in time.",
    email: "booking_declined_guest",
  },
} as const satisfies Record<
  string,
  {
    from: BookingStatus;
    to: BookingStatus;
    note: string | null;
    email: "hold_expired_guest" | "booking_declined_guest";
  }
>;
export type Lapse = keyof typeof LAPSES;
export const LAPSE_NOTES = { request: LAPSES.request.note };

/**
 * Marks unpaid holds past `expires_at` as `expired`, in the caller's transaction, with their
 * `booking.updated` events, the `hold_expired_guest` email and one `listing.availability` per
 * listing. Returns how many it expired. Safe to run from several workers at once: rows are taken
 * with `for update skip locked`, and a listing whose availability another transaction is changing
 * right now is skipped (that transaction expires what blocks it; the next sweep gets the rest).
 * It records the nights it frees for search (tx.searchChanged).
 */
export function expireHolds(tx: CommandTx, filter: ExpireHoldsFilter = {}): Promise<number> {
  return endLapsed(tx, "hold", filter);
}

/** Ends the bookings of one kind whose time ran out (see LAPSES), as expireHolds describes; returns how many. */
export async function endLapsed(tx: CommandTx, kind: Lapse, filter: ExpireHoldsFilter = {}): Promise<number> {
  const lapse = LAPSES[kind];
  const q = sql(tx.em);
  const where = ["b.status = ?", "b.expires_at <= now()"];
  const params: unknown[] = [lapse.from];
  if (filter.listingId) {
    where.push("b.listing_id = ?");
    params.push(filter.listingId);
  }
  if (filter.range) {
    where.push("daterange(b.check_in, b.check_out, '[)') && daterange(?::date, ?::date, '[)')");
    params.push(filter.range.checkIn, filter.range.checkOut);
  }
  // Almost always empty: this plain read keeps the common case at one cheap statement.
  const candidates = await q<{ id: string; listing_id: string }>(
    `select b.id, b.listing_id from bookings b where ${where.join(" and ")} order by b.expires_at limit ?`,
    [...params, filter.limit ?? DEFAULT_LIMIT],
  );
  if (!candidates.length) return 0;

  const lockedListings = new Set(
    await tryLockListingsAvailability(tx, [...new Set(candidates.map((c) => c.listing_id))]),
  );
  const ids = candidates.filter((c) => lockedListings.has(c.listing_id)).map((c) => c.id);
  if (!ids.length) return 0;
  // The conditions are checked again under the row lock: a booking paid, answered or cancelled
  // meanwhile stays as it is.
  const ended = await q<{ id: string; listing_id: string } & StayOfListing>(
    `update bookings b set status = ?, note = coalesce(?, b.note), updated_at = now()
      where b.id in (select c.id from bookings c
                      where c.id = any(?::uuid[]) and c.status = ? and c.expires_at <= now()
                      for update skip locked)
      returning b.id, b.listing_id, ${STAY_NIGHTS_SQL}, ${BOOKING_PLACE_SQL}`,
    [lapse.to, lapse.note, `{${ids.join(",")}}`, lapse.from],
  );
  if (!ended.length) return 0;
  // They stopped blocking at their deadline already, but answers they shaped may outlive it (a
  // request's deadline does not cut a cached answer's life as a hold's does).
  tx.searchChanged(...ended.map((row) => nightsFreed(row.listing_id, row)));

  await announceSweep(tx, ended, lapse.email);
  return ended.length;
}
