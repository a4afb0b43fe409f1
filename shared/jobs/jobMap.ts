/**
 * Every job the worker runs: name → payload. Producers (web, relay, cron) and handlers share it,
 * so a payload mismatch is a compile error.
 */
export interface JobMap {
  /** Does nothing: diagnostics and the queue benchmark. */
  ping: { sentAt?: number; sleepMs?: number };
  /** Carries out one recorded `email` side effect (side_effects row id). */
  sendEmail: { sideEffectId: number };
  /** Carries out one recorded `refund` side effect. */
  refundPayment: { sideEffectId: number };
  /** Scheduled (every few seconds): turns recorded side effects into jobs, one job per side effect. */
  relayOutbox: Record<string, never>;
  /** Scheduled (every second): publishes committed-but-unpublished events (the real-time relay). */
  /** Scheduled (30 s): unpaid holds past expiresAt become expired. */
  expireUnpaidHolds: Record<string, never>;
  /** Scheduled (1 min): requests to book past their approval deadline become declined. */
  declineLapsedRequests: Record<string, never>;
  /** Scheduled (daily): confirmed stays whose check-out has passed become completed. */
  completePastStays: Record<string, never>;
  /** Scheduled (5 min): pending payments are verified with Chapa and settled. */
  reconcilePayments: Record<string, never>;
  /** Scheduled (daily): events older than EVENT_RETENTION_DAYS are deleted. */
  pruneEvents: Record<string, never>;
  /** Scheduled (hourly): idempotency keys older than IDEMPOTENCY_KEY_TTL_HOURS are deleted. */
  pruneIdempotencyKeys: Record<string, never>;
  /** Scheduled (daily): webhook receipts older than WEBHOOK_RECEIPT_RETENTION_DAYS are deleted. */
  pruneWebhookReceipts: Record<string, never>;
  /** Scheduled (daily): login events older than LOGIN_EVENT_RETENTION_DAYS are deleted. */
  pruneLoginEvents: Record<string, never>;
  /** Scheduled (30 s): fetches the imported iCal feeds that are due and applies them. */
  syncCalendarFeeds: Record<string, never>;
  /** Scheduled (10 s): sockets connected, queue depth and failed jobs, for the operations page. */
  sampleOperations: Record<string, never>;
}

export type JobName = keyof JobMap;
export const JOB_NAMES: readonly JobName[] = [
  "ping",
  "sendEmail",
  "refundPayment",
  "relayOutbox",
  "expireUnpaidHolds",
  "declineLapsedRequests",
  "completePastStays",
  "reconcilePayments",
  "pruneEvents",
  "pruneIdempotencyKeys",
  "pruneWebhookReceipts",
  "pruneLoginEvents",
  "syncCalendarFeeds",
  "sampleOperations",
];
