import { type PaymentView, paymentViewSchema } from "../../shared/domain/payments/view.js";

/** What a payment looks like to clients (the same shape as the payment.updated event). */
export const paymentSchema = paymentViewSchema.meta({ id: "Payment" });

/** Picks what leaves the server: never the mode, Chapa's reference or the refund bookkeeping. */
export function presentPayment(payment: PaymentView): PaymentView {
  return {
    id: payment.id,
    bookingId: payment.bookingId,
    txRef: payment.txRef,
    status: payment.status,
    amount: payment.amount,
    currency: payment.currency,
    refundedAmount: payment.refundedAmount,
    checkoutUrl: payment.checkoutUrl,
    createdAt: payment.createdAt,
    updatedAt: payment.updatedAt,
  };
}
