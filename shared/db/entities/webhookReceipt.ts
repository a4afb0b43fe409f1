import { defineEntity, type InferEntity, p } from "@mikro-orm/core";

/** Every accepted webhook delivery, recorded before acting on it; dedupeKey makes redelivery a no-op. */
export const WebhookReceipt = defineEntity({
  name: "WebhookReceipt",
  tableName: "webhook_receipts",
  indexes: [
    { name: "webhook_receipts_tx_ref_idx", properties: ["txRef"] },
    // Pruning by age (WEBHOOK_RECEIPT_RETENTION_DAYS).
    { name: "webhook_receipts_received_at_idx", properties: ["receivedAt"] },
  ],
  properties: {
    id: p.bigint("number").primary().autoincrement(),
    provider: p.string().length(40),
    // sha256 of the raw body: the same delivery twice is one receipt.
    dedupeKey: p.string().length(64).unique("webhook_receipts_dedupe_unique"),
    event: p.string().length(80).nullable(),
    txRef: p.string().length(100).nullable(),
    body: p.json<Record<string, unknown>>(),
    outcome: p.string().length(40).nullable(),
    receivedAt: p
      .datetime()
      .defaultRaw("now()")
      .onCreate(() => new Date()),
    processedAt: p.datetime().nullable(),
  },
});
export type IWebhookReceipt = InferEntity<typeof WebhookReceipt>;
