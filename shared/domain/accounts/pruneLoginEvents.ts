import { deleteInBatches } from "../../db/deleteInBatches.js";
import type { Orm } from "../../db/orm.js";

/**
 * Deletes login events older than `olderThanDays` (LOGIN_EVENT_RETENTION_DAYS): the audit trail of logins
 * (IPs and user agents, personal data) is kept as long as it serves investigations, not forever.
 * Returns how many were deleted.
 */
export async function pruneLoginEvents(
  orm: Orm,
  options: { olderThanDays: number; batchSize?: number },
): Promise<number> {
  return deleteInBatches(orm, {
    table: "login_events",
    where: "created_at < now() - ?::int * interval '1 day'",
    params: [options.olderThanDays],
    batchSize: options.batchSize,
  });
}
