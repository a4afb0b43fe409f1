import { z } from "zod";

/** A payment's life: started (pending), then paid, failed or refunded. The one list. */
export const PAYMENT_STATUSES = ["pending", "succeeded", "failed", "refunded"] as const;
export const paymentStatusSchema = z.enum(PAYMENT_STATUSES);
export type PaymentStatus = z.infer<typeof paymentStatusSchema>;

/** Where the refund of a paid payment stands (null: none asked for). Internal: never sent to clients. */
export const REFUND_STATUSES = ["requested", "succeeded", "failed"] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

/** Which Chapa keys took the payment (test or live). Internal: never sent to clients. */
export const PAYMENT_MODES = ["test", "live"] as const;
export type PaymentMode = (typeof PAYMENT_MODES)[number];
