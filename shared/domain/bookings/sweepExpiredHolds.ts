import { z } from "zod";
import { defineCommand } from "../commands/define.js";
import { execute } from "../commands/execute.js";
import { expireHolds } from "./expireHolds.js";

const BATCH = 500;

/** One batch of the sweep, one transaction. */
const expireHoldsBatch = defineCommand({
  name: "bookings.expireHoldsBatch",
  actor: "system",
  input: z.object({ limit: z.number().int().positive() }),
  run: ({ input, tx }) => expireHolds(tx, { limit: input.limit }),
});

/**
 * Every unpaid hold past expiresAt becomes expired (events and emails in the same transaction), in
 * batches of one transaction each. Searches never showed those dates as taken (an expired hold
 * blocks nothing), but cached answers shaped by the holds are dropped once they are gone.
 * Returns how many it expired.
 */
export const sweepExpiredHolds = defineCommand({
  name: "bookings.sweepExpiredHolds",
  actor: "system",
  input: z.object({}),
  transaction: "self",
  async run({ deps }) {
    let expired = 0;
    for (let batch = BATCH; batch === BATCH; expired += batch) {
      batch = await execute(expireHoldsBatch, { actor: null, input: { limit: BATCH } }, deps);
    }
    return expired;
  },
});
