import { defineEntity, type InferEntity, p } from "@mikro-orm/core";
import { CURRENCIES } from "../../domain/currency.js";
import { PAYMENT_MODES, PAYMENT_STATUSES, REFUND_STATUSES } from "../../domain/payments/status.js";
import { Booking } from "./booking.js";
import { createdAt, updatedAt } from "./timestamps.js";

export const Payment = defineEntity({
  name: "Payment",
  tableName: "payments",
  indexes: [
    { name: "payments_booking_idx", properties: ["booking"] },
    { name: "payments_pending_idx", properties: ["status", "createdAt"] },
  ],
  uniques: [
    // At most one pending payment per booking: a second start returns the first.
    {
      name: "payments_one_pending_per_booking",
      expression:
        "create unique index payments_one_pending_per_booking on payments (booking_id) where status = 'pending'",
    },
  ],
  checks: [
    { name: "payments_refunded_amount_check", expression: "refunded_amount >= 0 and refunded_amount <= amount" },
  ],
  properties: {
    id: p.uuid().primary().defaultRaw("gen_random_uuid()"),
    booking: p.manyToOne(Booking).fieldName("booking_id"),
    // Generated and stored by us before Chapa is called.
    txRef: p.string().length(100).unique("payments_tx_ref_unique"),
    status: p.enum([...PAYMENT_STATUSES]).default("pending"),
    amount: p.integer(),
    currency: p.enum([...CURRENCIES]),
    mode: p.enum([...PAYMENT_MODES]),
    checkoutUrl: p.text().nullable(),
    chapaReference: p.string().length(100).nullable(),
    refundStatus: p.enum([...REFUND_STATUSES]).nullable(),
    // How much has gone back to the guest: the whole amount once `refunded`, part of it after a partial refund.
    refundedAmount: p.integer().default(0),
    // When reconciliation last asked Chapa whether this paid payment was refunded on Chapa's side.
    refundCheckedAt: p.datetime().nullable(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
});
export type IPayment = InferEntity<typeof Payment>;
