import type { Orm } from "../../db/orm.js";
import { logger } from "../../logger.js";
import { type ChapaClient, ChapaError } from "../../payments/chapa/client.js";
import type { SideEffectMap } from "../../sideEffects/sideEffectMap.js";
import { inUnitOfWork as runCommand } from "../commands/unitOfWork.js";
import { emitPaymentUpdated, findPayment, query } from "./store.js";

export type RefundOutcome =
  /** Chapa refunded it (or had already) and our payment is now `refunded`. */
  | { status: "refunded" }
  /** The side effect was carried out before: nothing done. */
  | { status: "already_done" }
  /** Retrying cannot help (Chapa refused with a 4xx, or the data is wrong); marked failed for an operator. */
  | { status: "rejected"; reason: string };

/** Chapa's answers to a refund that already happened: a retry after our commit failed, or a second run. */
const ALREADY_REFUNDED = /already been refunded|refund reference has been used before/i;

/**
 * Carries out one recorded `refund` side effect (by side_effects id): asks Chapa to refund the whole
 * payment, then in one transaction marks the payment `refunded` (refund_status succeeded), the side
 * effect done, records payment.updated and the refund_issued_guest email. Idempotent: a done side
 * effect does nothing, and Chapa's "already refunded" counts as success. Network errors and 5xx
 * (after the client's own retries) are thrown, so the job is retried; a 4xx is permanent.
 */
export async function carryOutRefund(orm: Orm, chapa: ChapaClient, sideEffectId: number): Promise<RefundOutcome> {
  const em = orm.em.fork();
  const [effect] = await query<{ kind: string; payload: SideEffectMap["refund"]; done_at: Date | null }>(
    em,
    "select kind, payload, done_at from side_effects where id = ?",
    [sideEffectId],
  );
  if (effect?.kind !== "refund") return reject(orm, sideEffectId, null, `no refund side effect #${sideEffectId}`);
  if (effect.done_at) return { status: "already_done" };
  const payment = await findPayment(em, { id: effect.payload.paymentId });
  if (!payment) return reject(orm, sideEffectId, null, `payment ${effect.payload.paymentId} does not exist`);
  if (payment.status !== "succeeded" && payment.status !== "refunded") {
    return reject(
      orm,
      sideEffectId,
      payment.id,
      `payment ${payment.tx_ref} is ${payment.status}; only a paid one is refunded`,
    );
  }

  if (payment.status === "succeeded") {
    try {
      await chapa.refund(payment.tx_ref, { reason: effect.payload.reason, reference: `nexus-refund-${payment.id}` });
    } catch (err) {
      const permanent = err instanceof ChapaError && err.status !== null && err.status < 500;
      if (!permanent) throw err;
      if (!ALREADY_REFUNDED.test(err.chapaMessage ?? "")) {
        return reject(orm, sideEffectId, payment.id, `Chapa refused the refund of ${payment.tx_ref}: ${err.message}`);
      }
    }
  }

  return runCommand(orm, async (tx) => {
    const locked = (await findPayment(tx.em, { id: payment.id }, { forUpdate: true }))!;
    const [marked] = await query<{ id: number }>(
      tx.em,
      "update side_effects set done_at = now(), last_error = null where id = ? and done_at is null returning id",
      [sideEffectId],
    );
    if (!marked) return { status: "already_done" } as const;
    if (locked.status !== "refunded") {
      await query(
        tx.em,
        "update payments set status = 'refunded', refund_status = 'succeeded', updated_at = now() where id = ?",
        [locked.id],
      );
      await emitPaymentUpdated(tx, locked.id);
      await tx.sideEffect("email", `email:refund_issued_guest:${locked.id}`, {
        template: "refund_issued_guest",
        bookingId: locked.booking_id,
        recipientUserId: locked.guest_id,
      });
    }
    logger.info({ txRef: locked.tx_ref, paymentId: locked.id, sideEffectId }, "payment refunded");
    return { status: "refunded" } as const;
  });
}

/** Marks the refund failed so an operator sees it (refund_status, the side effect's last_error), loudly. */
async function reject(
  orm: Orm,
  sideEffectId: number,
  paymentId: string | null,
  reason: string,
): Promise<RefundOutcome> {
  const em = orm.em.fork();
  await query(em, "update side_effects set last_error = ? where id = ?", [reason, sideEffectId]);
  if (paymentId) {
    await query(em, "update payments set refund_status = 'failed', updated_at = now() where id = ?", [paymentId]);
  }
  logger.error({ sideEffectId, paymentId }, `REFUND FAILED, an operator must act: ${reason}`);
  return { status: "rejected", reason };
}
