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
  /**
   * Paid payments of confirmed stays are asked about too, each at most once per this many hours
   * (default 6), at most `refundCheckLimit` (default 20) per run, least recently asked first: a refund
   * made on Chapa's side whose charge.refunded webhook never arrived is found that way.
   */
  refundCheckHours?: number;
  refundCheckLimit?: number;
}

/**
 * Verifies pending payments with Chapa and settles them through the same command as the webhook:
 * it covers webhooks that never arrived. Most recent first, since those are the ones whose hold may
 * still be confirmed. A payment Chapa cannot be asked about is skipped (logged) until the next run.
 * Then a few paid payments of confirmed stays are verified for a refund made at Chapa (see
 * refundCheckHours); those count in `checked`, and in `settled` when one was refunded.
 */
export const reconcilePendingPayments = defineCommand({
  name: "payments.reconcile",
  actor: "system",
  input: z.object({
    olderThanMinutes: z.number().nonnegative(),
    limit: z.number().int().positive().optional(),
    maxAgeHours: z.number().positive().optional(),
    refundCheckHours: z.number().nonnegative().optional(),
    refundCheckLimit: z.number().int().nonnegative().optional(),
  }),
  transaction: "self",
  async run({ input: options, deps }: { input: ReconcileOptions; deps: ChapaDeps }) {
    const { orm } = deps;
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
        const { outcome } = await execute(verifyAndSettle, { actor: null, input: { txRef } }, deps);
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
    const paid = await sql(orm.em.fork())<{ id: string; tx_ref: string }>(
      `select p.id, p.tx_ref from payments p join bookings b on b.id = p.booking_id
        where p.status = 'succeeded' and p.refund_status is null and b.status = 'confirmed'
          and coalesce(p.refund_checked_at, p.updated_at) < now() - ?::float8 * interval '1 hour'
        order by coalesce(p.refund_checked_at, p.updated_at)
        limit ?`,
      [options.refundCheckHours ?? 6, options.refundCheckLimit ?? 20],
    );
    for (const { id, tx_ref: txRef } of paid) {
      try {
        const { outcome } = await execute(verifyAndSettle, { actor: null, input: { txRef, refundSignal: true } }, deps);
        if (outcome === "refunded_at_provider") {
          settled++;
          logger.warn({ txRef }, "reconciliation found a payment refunded at Chapa whose webhook did not arrive");
        }
        await sql(orm.em.fork())("update payments set refund_checked_at = now() where id = ?", [id]);
      } catch (err) {
        logger.warn(
          { txRef, err: (err as Error).message },
          "reconciliation could not check a paid payment; next run retries",
        );
      }
    }
    return { checked: rows.length + paid.length, settled };
  },
});
