import type { BookingStatus } from "../bookings/status.js";
import type { PaymentView } from "../payments/view.js";

/**
 * What a payment signal (webhook, return, callback, reconciliation) led to:
 * - `confirmed`: paid, booking confirmed. `refund_requested`: paid, but the booking could no longer be
 *   confirmed (hold expired, cancelled, already paid), so a refund was recorded. `failed`: Chapa says failed.
 * - `refunded_at_provider`: Chapa refunded it on its side (settleProviderRefund.ts): payment refunded,
 *   an upcoming booking cancelled, a started stay flagged for an operator.
 * - `already_settled`: nothing to do (a duplicate or late signal). `pending`: Chapa has no outcome yet.
 * - `unknown`: no payment of ours has this tx_ref. `not_found_at_chapa`: Chapa does not know the tx_ref.
 * - `mismatch`: Chapa's tx_ref, amount, currency or mode differ from ours: never settled, logged at
 *   error level; the payment stays pending for an operator (reconciliation logs it again each run).
 */
export type SettleOutcome =
  | "confirmed"
  | "refund_requested"
  | "failed"
  | "refunded_at_provider"
  | "already_settled"
  | "pending"
  | "unknown"
  | "not_found_at_chapa"
  | "mismatch";

export interface SettleResult {
  outcome: SettleOutcome;
  /** The payment after settling; null when the tx_ref is unknown. */
  payment: PaymentView | null;
}

/** Outcomes that changed the payment. */
export const SETTLING_OUTCOMES: ReadonlySet<SettleOutcome> = new Set([
  "confirmed",
  "refund_requested",
  "failed",
  "refunded_at_provider",
]);

export interface LockedBooking {
  status: BookingStatus;
  /** expires_at is still in the future (by the database clock). */
  hold_live: boolean;
}
