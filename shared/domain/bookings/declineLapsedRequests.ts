import { z } from "zod";
import { defineCommand } from "../commands/define.js";
import { execute } from "../commands/execute.js";
import type { CommandTx } from "../commands/unitOfWork.js";
import { type ExpireHoldsFilter, endLapsed, LAPSE_NOTES } from "./expireHolds.js";

/** The note a request declined by its deadline carries (the guest's email and page show it). */
export const DEADLINE_NOTE = LAPSE_NOTES.request;

/**
 * Declines the requests to book whose host did not answer by `expires_at`, in the caller's
 * transaction, with their `booking.updated` events, the `booking_declined_guest` email and one
 * `listing.availability` per listing. Returns how many it declined. Exactly once, whoever races it
 * (another sweep, createBooking's retry, a host's accept): rows are taken `for update skip locked`
 * and checked again under the lock, and a listing whose availability another transaction is
 * changing right now is skipped (that transaction, an accept for instance, decides; the next
 * sweep gets the rest).
 */
export function declineLapsedRequests(tx: CommandTx, filter: ExpireHoldsFilter = {}): Promise<number> {
  return endLapsed(tx, "request", filter);
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
  async run({ deps }) {
    let declined = 0;
    for (let batch = BATCH; batch === BATCH; declined += batch) {
      batch = await execute(declineLapsedRequestsBatch, { actor: null, input: { limit: BATCH } }, deps);
    }
    return declined;
  },
});
