import type { CommandTx } from "../../db/runCommand.js";
import { announceSweep } from "./announceSweep.js";
import { lockListingAvailability } from "./listingAvailability.js";

const DEFAULT_LIMIT = 500;

/**
 * Confirmed stays whose check-out day has come (UTC) become `completed`, in the caller's transaction,
 * each with its `booking.updated` event (guest and host) and the `review_request_guest` email, plus
 * one `listing.availability` per listing (a completed stay no longer blocks its dates). Returns how
 * many it completed; at most `limit` per call, so call it again while it returns `limit`.
 *
 * Lock order is the one every booking command follows, listing then booking: the listings' locks
 * are taken first (sorted, so two sweeps cannot deadlock each other), then the bookings with
 * `for update skip locked`, re-checking their status, so a stay cancelled meanwhile stays cancelled.
 */
export async function completePastStays(tx: CommandTx, options: { limit?: number } = {}): Promise<number> {
  const conn = tx.em.getConnection();
  const ctx = tx.em.getTransactionContext();
  const due = "status = 'confirmed' and check_out <= (now() at time zone 'utc')::date";
  const candidates = await conn.execute<{ listing_id: string }[]>(
    `select distinct listing_id from (select listing_id from bookings where ${due} order by check_out limit ?) c`,
    [options.limit ?? DEFAULT_LIMIT],
    "all",
    ctx,
  );
  if (!candidates.length) return 0;
  const listingIds = candidates.map((c) => c.listing_id).sort();
  for (const listingId of listingIds) await lockListingAvailability(tx, listingId);

  const completed = await conn.execute<{ id: string; listing_id: string }[]>(
    `update bookings b set status = 'completed', updated_at = now()
      where b.id in (select id from bookings
                      where listing_id = any(?::uuid[]) and ${due}
                      order by check_out limit ? for update skip locked)
      returning b.id, b.listing_id`,
    [`{${listingIds.join(",")}}`, options.limit ?? DEFAULT_LIMIT],
    "all",
    ctx,
  );
  if (!completed.length) return 0;

  await announceSweep(tx, completed, "review_request_guest");
  return completed.length;
}
