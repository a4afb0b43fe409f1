import { z } from "zod";
import type { PaymentView } from "../../shared/events/eventMap.js";

/** What a payment looks like to clients (the same shape as the payment.updated event). */
export const paymentSchema = z
  .object({
    id: z.uuid(),
    bookingId: z.uuid(),
    txRef: z.string().describe("Our reference of the Chapa transaction"),
    status: z.enum(["pending", "succeeded", "failed", "refunded"]),
    amount: z.int().describe("Minor units: 12550 is 125.50"),
    currency: z.enum(["ETB", "USD"]),
    checkoutUrl: z.url().nullable().describe("Chapa's hosted checkout; open it to pay"),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: "Payment" });

/** Picks what leaves the server: never the mode, Chapa's reference or the refund bookkeeping. */
export function presentPayment(payment: PaymentView): PaymentView {
  return {
    id: payment.id,
    bookingId: payment.bookingId,
    txRef: payment.txRef,
    status: payment.status,
    amount: payment.amount,
    currency: payment.currency,
    checkoutUrl: payment.checkoutUrl,
    createdAt: payment.createdAt,
    updatedAt: payment.updatedAt,
  };
}
