import { deleteInBatches } from "../../db/deleteInBatches.js";
import type { Orm } from "../../db/orm.js";

/**
 * Forgets idempotency keys older than `olderThanHours` (IDEMPOTENCY_KEY_TTL_HOURS): a retry is
 * seconds or minutes after its request, so a day's memory covers it, and the table stays small.
 * A key used again after that starts a new request. Returns how many were deleted.
 */
export async function pruneIdempotencyKeys(
  orm: Orm,
  options: { olderThanHours: number; batchSize?: number },
): Promise<number> {
  return deleteInBatches(orm, {
    table: "idempotency_keys",
    where: "created_at < now() - ?::int * interval '1 hour'",
    params: [options.olderThanHours],
    batchSize: options.batchSize,
  });
}
