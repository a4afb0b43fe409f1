import { z } from "zod";
import { sql } from "../../db/sql.js";
import { defineCommand } from "../commands/define.js";
import { execute } from "../commands/execute.js";
import type { CommandTx } from "../commands/unitOfWork.js";
import { announceSweep } from "./announceSweep.js";
import { BOOKING_PLACE_SQL, nightsFreed, STAY_NIGHTS_SQL, type StayOfListing } from "./availability.js";
import { lockListingAvailability } from "./listingAvailability.js";
import { transitionBooking } from "./transitionBooking.js";
import type { BookingView } from "./view.js";

const DEFAULT_LIMIT = 500;

/**
 * Confirmed stays whose check-out day has begun in their listing's time zone (stay_over()) become `completed`, in the caller's transaction,
 * each with its `booking.updated` event (guest and host) and the `review_request_guest` email, plus
 * one `listing.availability` per listing (a completed stay no longer blocks its dates). Returns how
 * many it completed; at most `limit` per call, so call it again while it returns `limit`.
 *
 * Lock order is the one every booking command follows, listing then booking: the listings' locks
 * are taken first (sorted, so two sweeps cannot deadlock each other), then the bookings with
 * `for update skip locked`, re-checking their status, so a stay cancelled meanwhile stays cancelled.
 */
export async function completePastStays(tx: CommandTx, options: { limit?: number } = {}): Promise<number> {
  const q = sql(tx.em);
  // No time zone is more than a day ahead of UTC: the first test narrows the scan, stay_over() decides.
  const due =
    "b.status = 'confirmed' and b.check_out <= (now() at time zone 'utc')::date + 1 and stay_over(b.check_out, l.time_zone)";
  const candidates = await q<{ listing_id: string }>(
    `select distinct listing_id from (select b.listing_id from bookings b join listings l on l.id = b.listing_id
                                        where ${due} order by b.check_out limit ?) c`,
    [options.limit ?? DEFAULT_LIMIT],
  );
  if (!candidates.length) return 0;
  const listingIds = candidates.map((c) => c.listing_id).sort();
  for (const listingId of listingIds) await lockListingAvailability(tx, listingId);

  const completed = await q<{ id: string; listing_id: string } & StayOfListing>(
    `update bookings b set status = 'completed', updated_at = now()
      where b.id in (select b.id from bookings b join listings l on l.id = b.listing_id
                      where b.listing_id = any(?::uuid[]) and ${due}
                      order by b.check_out limit ? for update of b skip locked)
      returning b.id, b.listing_id, ${STAY_NIGHTS_SQL}, ${BOOKING_PLACE_SQL}`,
    [`{${listingIds.join(",")}}`, options.limit ?? DEFAULT_LIMIT],
  );
  if (!completed.length) return 0;

  await announceSweep(tx, completed, "review_request_guest");
  // Their nights are past, but a search may still name them.
  tx.searchChanged(...completed.map((row) => nightsFreed(row.listing_id, row)));
  return completed.length;
}

/**
 * Completes one confirmed stay that is over, in the caller's transaction (its booking.updated, the
 * listing.availability and the review_request_guest email): what a request that found the stay over
 * (StayOverError, completable) does instead of acting on it.
 */
export async function completeStay(tx: CommandTx, bookingId: string): Promise<BookingView> {
  const { booking } = await transitionBooking(tx, bookingId, "completed");
  await tx.sideEffect("email", `email:review_request_guest:${booking.id}`, {
    template: "review_request_guest",
    bookingId: booking.id,
    recipientUserId: booking.guestId,
  });
  return booking;
}

const BATCH = 500;

/** One batch of completePastStaysSweep, one transaction. */
const completePastStaysBatch = defineCommand({
  name: "bookings.completePastStaysBatch",
  actor: "system",
  input: z.object({ limit: z.number().int().positive() }),
  run: ({ input, tx }) => completePastStays(tx, { limit: input.limit }),
});

/** Every stay due, in batches of one transaction each (the job, every CRON_COMPLETE_STAYS_EVERY). Returns how many it completed. */
export const completePastStaysSweep = defineCommand({
  name: "bookings.completePastStays",
  actor: "system",
  input: z.object({}),
  transaction: "self",
  async run({ deps }) {
    let completed = 0;
    for (let batch = BATCH; batch === BATCH; completed += batch) {
      batch = await execute(completePastStaysBatch, { actor: null, input: { limit: BATCH } }, deps);
    }
    return completed;
  },
});
