/**
 * Every kind of side effect a command can record: kind → payload. The worker's relay turns each
 * row into one job; its handler reads fresh state by id, so payloads carry ids, not copies.
 */
export type EmailTemplate =
  | "booking_alert_host"
  | "booking_held_guest"
  | "booking_confirmed_guest"
  | "booking_confirmed_host"
  | "payment_failed_guest"
  | "hold_expired_guest"
  | "booking_cancelled_guest"
  | "booking_cancelled_host"
  | "refund_issued_guest"
  | "review_request_guest"
  | "booking_request_host"
  | "booking_request_sent_guest"
  | "booking_accepted_guest"
  | "booking_declined_guest";

export interface SideEffectMap {
  email: { template: EmailTemplate; bookingId: string; recipientUserId: string };
  refund: { paymentId: string; reason: string };
}

export type SideEffectKind = keyof SideEffectMap;
