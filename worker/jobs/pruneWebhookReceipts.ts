import { config } from "../../shared/config.js";
import { execute } from "../../shared/domain/commands/execute.js";
import { pruneWebhookReceipts } from "../../shared/domain/payments/pruneWebhookReceipts.js";
import { defineJob } from "./defineJob.js";

/** Scheduled (daily): webhook receipts older than WEBHOOK_RECEIPT_RETENTION_DAYS are deleted. */
export default defineJob({
  name: "pruneWebhookReceipts",
  options: { retry: false, concurrency: 1 },
  async handler(_data, { deps, log }) {
    const olderThanDays = config.WEBHOOK_RECEIPT_RETENTION_DAYS;
    const deleted = await execute(pruneWebhookReceipts, { actor: null, input: { olderThanDays } }, deps);
    if (deleted) log.info({ deleted, olderThanDays }, "pruned old webhook receipts");
  },
});
