import { z } from "zod";
import { deleteInBatches } from "../../db/deleteInBatches.js";
import { defineCommand } from "../commands/define.js";

/**
 * Deletes events older than `olderThanDays` (the replay window: a client away for longer resumes
 * from what is left). Returns how many were deleted.
 */
export const pruneEvents = defineCommand({
  name: "events.prune",
  actor: "system",
  input: z.object({ olderThanDays: z.number().int().nonnegative(), batchSize: z.number().int().positive().optional() }),
  // Batches of one short transaction each (deleteInBatches), so a big backlog never holds locks long.
  transaction: "self",
  run: ({ input: options, deps: { orm } }) =>
    deleteInBatches(orm, {
      table: "events",
      where: "created_at < now() - ?::int * interval '1 day'",
      params: [options.olderThanDays],
      batchSize: options.batchSize,
    }),
});
