import { z } from "zod";
import { CHAPA_RETRY_WINDOW_DAYS } from "../../config.js";
import { deleteInBatches } from "../../db/deleteInBatches.js";
import { defineCommand } from "../commands/define.js";

/**
 * Deletes webhook receipts received more than `olderThanDays` ago (WEBHOOK_RECEIPT_RETENTION_DAYS), processed
 * or not: by then Chapa stopped retrying them and reconciliation has settled their payments. Never younger
 * than CHAPA_RETRY_WINDOW_DAYS, whatever it is asked: a recent receipt, even a processed one, is what makes
 * Chapa's retry of its delivery a duplicate (receiveChapaWebhook) rather than a second signal.
 * Returns how many were deleted.
 */
export const pruneWebhookReceipts = defineCommand({
  name: "payments.pruneWebhookReceipts",
  actor: "system",
  input: z.object({ olderThanDays: z.number().int().nonnegative(), batchSize: z.number().int().positive().optional() }),
  // Batches of one short transaction each (deleteInBatches), so a big backlog never holds locks long.
  transaction: "self",
  run: ({ input: options, deps: { orm } }) =>
    deleteInBatches(orm, {
      table: "webhook_receipts",
      where: "received_at < now() - ?::int * interval '1 day'",
      params: [Math.max(options.olderThanDays, CHAPA_RETRY_WINDOW_DAYS)],
      batchSize: options.batchSize,
    }),
});
