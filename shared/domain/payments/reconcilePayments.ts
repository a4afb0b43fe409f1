import { z } from "zod";
import { sql } from "../../db/sql.js";
import { logger } from "../../logger.js";
import { defineCommand } from "../commands/define.js";
import { execute } from "../commands/execute.js";
import { type ChapaDeps, SETTLING_OUTCOMES, verifyAndSettle } from "./settlePayment.js";

export interface ReconcileOptions {
  /** Only payments pending for longer than this (younger ones still expect their webhook). */
  olderThanMinutes: number;
  /** At most this many per run (default 100). */
  limit?: number;
  /**
   * Payments pending for longer than this are no longer checked (default 48 h): abandoned checkouts stay
   * pending at Chapa forever, and re-verifying all of them every run would crowd out the recent ones.
   */
  maxAgeHours?: number;
}

/**
 * Verifies pending payments with Chapa and settles them through the same command as the webhook:
 * it covers webhooks that never arrived. Most recent first, since those are the ones whose hold may
 * still be confirmed. A payment Chapa cannot be asked about is skipped (logged) until the next run.
 */
export const reconcilePendingPayments = defineCommand({
  name: "payments.reconcile",
  actor: "system",
  input: z.object({
    olderThanMinutes: z.number().nonnegative(),
    limit: z.number().int().positive().optional(),
    maxAgeHours: z.number().positive().optional(),
  }),
  transaction: "self",
  async run({ input: options, deps: { orm, chapa } }: { input: ReconcileOptions; deps: ChapaDeps }) {
    const rows = await sql(orm.em.fork())<{ tx_ref: string }>(
      `select tx_ref from payments
      where status = 'pending'
        and created_at < now() - ?::float8 * interval '1 minute'
        and created_at > now() - ?::float8 * interval '1 hour'
      order by created_at desc
      limit ?`,
      [options.olderThanMinutes, options.maxAgeHours ?? 48, options.limit ?? 100],
    );
    let settled = 0;
    for (const { tx_ref: txRef } of rows) {
      try {
        const { outcome } = await execute(verifyAndSettle, { actor: null, input: { txRef } }, { orm, chapa });
        if (SETTLING_OUTCOMES.has(outcome)) {
          settled++;
          logger.info({ txRef, outcome }, "reconciliation settled a payment whose webhook did not arrive");
        }
      } catch (err) {
        logger.warn(
          { txRef, err: (err as Error).message },
          "reconciliation could not settle a payment; next run retries",
        );
      }
    }
    return { checked: rows.length, settled };
  },
});
