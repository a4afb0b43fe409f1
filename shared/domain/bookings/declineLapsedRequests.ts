import { z } from "zod";
import { sql } from "../../db/sql.js";
import { defineCommand } from "../commands/define.js";
import { execute } from "../commands/execute.js";
import type { CommandTx } from "../commands/unitOfWork.js";
import { announceSweep } from "./announceSweep.js";
import type { ExpireHoldsFilter } from "./expireHolds.js";
import { tryLockListingsAvailability } from "./listingAvailability.js";

const DEFAULT_LIMIT = 500;

/** The note a request declined by its deadline carries (the guest's email and page show it). */
export const DEADLINE_NOTE = "The host did not answer in time.";

/**
 * Declines the requests to book whose host did not answer by `expires_at`, in the caller's
 * transaction, with their `booking.updated` events, the `booking_declined_guest` email and one
 * `listing.availability` per listing. Returns how many it declined. Exactly once, whoever races it
 * (another sweep, createBooking's retry, a host's accept): rows are taken `for update skip locked`
 * and checked again under the lock, and a listing whose availability another transaction is
 * changing right now is skipped (that transaction, an accept for instance, decides; the next
 * sweep gets the rest).
 */
export async function declineLapsedRequests(tx: CommandTx, filter: ExpireHoldsFilter = {}): Promise<number> {
  const q = sql(tx.em);
  const where = ["b.status = 'pending_approval'", "b.expires_at <= now()"];
  const params: unknown[] = [];
  if (filter.listingId) {
    where.push("b.listing_id = ?");
    params.push(filter.listingId);
  }
  if (filter.range) {
    where.push("daterange(b.check_in, b.check_out, '[)') && daterange(?::date, ?::date, '[)')");
    params.push(filter.range.checkIn, filter.range.checkOut);
  }
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
  const declined = await q<{ id: string; listing_id: string }>(
    `update bookings b set status = 'declined', note = ?, updated_at = now()
      where b.id in (select c.id from bookings c
                      where c.id = any(?::uuid[]) and c.status = 'pending_approval' and c.expires_at <= now()
                      for update skip locked)
      returning b.id, b.listing_id`,
    [DEADLINE_NOTE, `{${ids.join(",")}}`],
  );
  if (!declined.length) return 0;

  await announceSweep(tx, declined, "booking_declined_guest");
  return declined.length;
}

const BATCH = 500;

const declineLapsedRequestsBatch = defineCommand({
  name: "bookings.declineLapsedRequestsBatch",
  actor: "system",
  input: z.object({ limit: z.number().int().positive() }),
  run: ({ input, tx }) => declineLapsedRequests(tx, { limit: input.limit }),
});

/**
 * Every request to book past its approval deadline becomes declined (events and emails in the
 * same transaction), in batches of one transaction each; its dates free up. Returns how many.
 */
export const sweepLapsedRequests = defineCommand({
  name: "bookings.sweepLapsedRequests",
  actor: "system",
  input: z.object({}),
  transaction: "self",
  invalidates: { search: (declined: number) => declined > 0 },
  async run({ deps }) {
    let declined = 0;
    for (let batch = BATCH; batch === BATCH; declined += batch) {
      batch = await execute(declineLapsedRequestsBatch, { actor: null, input: { limit: BATCH } }, deps);
    }
    return declined;
  },
});
