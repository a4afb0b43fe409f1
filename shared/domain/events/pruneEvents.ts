import { deleteInBatches } from "../../db/deleteInBatches.js";
import type { Orm } from "../../db/orm.js";

/**
 * Deletes events older than `olderThanDays` (the replay window: a client away for longer resumes
 * from what is left). Returns how many were deleted.
 */
export async function pruneEvents(orm: Orm, options: { olderThanDays: number; batchSize?: number }): Promise<number> {
  return deleteInBatches(orm, {
    table: "events",
    where: "created_at < now() - ?::int * interval '1 day'",
    params: [options.olderThanDays],
    batchSize: options.batchSize,
  });
}
