import { z } from "zod";
import { deleteInBatches } from "../../db/deleteInBatches.js";
import { defineCommand } from "../commands/define.js";

/**
 * Deletes login events older than `olderThanDays` (LOGIN_EVENT_RETENTION_DAYS): the audit trail of logins
 * (IPs and user agents, personal data) is kept as long as it serves investigations, not forever.
 * Returns how many were deleted.
 */
export const pruneLoginEvents = defineCommand({
  name: "accounts.pruneLoginEvents",
  actor: "system",
  input: z.object({ olderThanDays: z.number().int().nonnegative(), batchSize: z.number().int().positive().optional() }),
  // Batches of one short transaction each (deleteInBatches), so a big backlog never holds locks long.
  transaction: "self",
  run: ({ input: options, deps: { orm } }) =>
    deleteInBatches(orm, {
      table: "login_events",
      where: "created_at < now() - ?::int * interval '1 day'",
      params: [options.olderThanDays],
      batchSize: options.batchSize,
    }),
});
