import { z } from "zod";
import type { Orm } from "../../db/orm.js";
import { notFound } from "../../errors.js";
import { logger } from "../../logger.js";
import { ChapaError } from "../../payments/chapa/client.js";
import { defineQuery } from "../commands/define.js";
import type { DatabaseDeps } from "../deps.js";
import type { PaymentStatus } from "../payments/status.js";
import type { PaymentView } from "../payments/view.js";
import { canSeePayment } from "./policy.js";
import { findPayment, toPaymentView } from "./store.js";
import type { SignalVerifier } from "./verifyOnce.js";

/** A payment by tx_ref for its payer, the listing's host or an admin; 404 for anyone else. */
export const readPayment = defineQuery({
  name: "payments.get",
  input: z.object({ txRef: z.string() }),
  async run({ actor, input, em }): Promise<PaymentView> {
    const payment = await findPayment(em, { txRef: input.txRef });
    if (!payment || !canSeePayment(actor, { guestId: payment.guest_id, hostId: payment.host_id })) {
      throw notFound("payment");
    }
    return toPaymentView(payment);
  },
});

export interface CheckoutResult {
  status: PaymentStatus | "unknown";
  bookingId: string | null;
}

/**
 * What the browser coming back from Chapa's checkout is told: the payment is verified and settled
 * first (so a guest who paid lands on a confirmed booking even if the webhook is late). It never
 * fails: an unknown tx_ref is `unknown`, and if Chapa cannot be asked the stored status is told
 * (pending; the webhook or reconciliation settles it later). One verify answers every return and
 * callback of a tx_ref in flight or within a few seconds (verifyOnce.ts).
 */
export const checkoutResult = defineQuery({
  name: "payments.checkoutResult",
  actor: "system",
  input: z.object({ txRef: z.string() }),
  run: ({ input, deps }: { input: { txRef: string }; deps: DatabaseDeps & { verifyOnce: SignalVerifier } }) =>
    settleOnReturn(deps.orm, deps.verifyOnce, input.txRef),
});

async function settleOnReturn(orm: Orm, verifyOnce: SignalVerifier, txRef: string): Promise<CheckoutResult> {
  try {
    const { payment } = await verifyOnce(txRef);
    return { status: payment?.status ?? "unknown", bookingId: payment?.bookingId ?? null };
  } catch (err) {
    if (!(err instanceof ChapaError)) throw err;
    logger.warn({ txRef, err: err.message }, "could not verify a payment on return from checkout");
    const payment = await findPayment(orm.em.fork(), { txRef });
    return { status: payment?.status ?? "unknown", bookingId: payment?.booking_id ?? null };
  }
}
