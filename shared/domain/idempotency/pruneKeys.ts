import { z } from "zod";
import { deleteInBatches } from "../../db/deleteInBatches.js";
import { defineCommand } from "../commands/define.js";

/**
 * Forgets idempotency keys older than `olderThanHours` (IDEMPOTENCY_KEY_TTL_HOURS): a retry is
 * seconds or minutes after its request, so a day's memory covers it, and the table stays small.
 * A key used again after that starts a new request. Returns how many were deleted.
 */
export const pruneIdempotencyKeys = defineCommand({
  name: "idempotency.prune",
  actor: "system",
  input: z.object({
    olderThanHours: z.number().int().nonnegative(),
    batchSize: z.number().int().positive().optional(),
  }),
  // Batches of one short transaction each (deleteInBatches), so a big backlog never holds locks long.
  transaction: "self",
  run: ({ input: options, deps: { orm } }) =>
    deleteInBatches(orm, {
      table: "idempotency_keys",
      where: "created_at < now() - ?::int * interval '1 hour'",
      params: [options.olderThanHours],
      batchSize: options.batchSize,
    }),
});
