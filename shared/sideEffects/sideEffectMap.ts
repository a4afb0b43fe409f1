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
  | "booking_declined_guest"
  | "payment_refunded_host"
  | "calendar_conflict_host";

/** Emails about the account rather than a booking: composed from a login event. */
export type AccountEmailTemplate = "security_alert_user";

export interface SideEffectMap {
  /**
   * A booking's email (`conflictId`: the calendar conflict it is about, for calendar_conflict_host), or an
   * account's (`loginEventId`: the login a security alert is about).
   */
  email:
    | { template: EmailTemplate; bookingId: string; recipientUserId: string; conflictId?: string }
    | {
        template: AccountEmailTemplate;
        recipientUserId: string;
        loginEventId: number;
        reasons: ("new_country" | "new_device")[];
      };
  /** `amount`: minor units to give back (a partial refund); absent, all that remains of the payment. */
  refund: { paymentId: string; reason: string; amount?: number };
}

export type SideEffectKind = keyof SideEffectMap;
