import type { EntityManager } from "@mikro-orm/postgresql";
import { config } from "../../config.js";
import { sql } from "../../db/sql.js";
import type { IpKind } from "../../geoip/addressKind.js";
import type { OutgoingEmail } from "../../mail/mailer.js";
import { renderEmail } from "../../mail/render.js";
import { securityAlertEmail } from "../../mail/securityTemplates.js";
import { type EmailContext, templates } from "../../mail/templates.js";
import type { SideEffectMap } from "../../sideEffects/sideEffectMap.js";
import { loadBookingView } from "../bookings/view.js";
import { loadConflictView } from "../calendars/view.js";
import type { Currency } from "../currency.js";
import { newLoginView } from "../security/newLoginAlert.js";

export type ComposedEmail = { email: OutgoingEmail } | { skip: string };

/** The Message-ID of a side effect's email: the same for every attempt, so copies are recognisable. */
function sideEffectMessageId(sideEffectId: number): string {
  return `<side-effect-${sideEffectId}@nexus>`;
}

const rows = <T>(em: EntityManager, text: string, params: unknown[]): Promise<T[]> => sql(em)<T>(text, params);

/**
 * Builds the email of one `email` side effect from the state as it is NOW (names, dates, status):
 * the side effect carries ids only. Returns a reason instead when the email no longer makes sense
 * (the recipient or booking is gone, or the template says the moment has passed).
 */
export async function composeEmail(
  em: EntityManager,
  sideEffect: { id: number; key: string; payload: SideEffectMap["email"] },
): Promise<ComposedEmail> {
  if ("loginEventId" in sideEffect.payload)
    return composeAccountEmail(em, { ...sideEffect, payload: sideEffect.payload });
  const { template, bookingId, recipientUserId, conflictId } = sideEffect.payload;
  const render = templates[template];
  if (!render) return { skip: `unknown template ${template}` };
  const [recipient] = await rows<{ name: string; email: string }>(em, "select name, email from users where id = ?", [
    recipientUserId,
  ]);
  if (!recipient) return { skip: "recipient not found" };
  const booking = await loadBookingView(em, bookingId);
  if (!booking) return { skip: "booking not found" };
  const [listing] = await rows<{ host_name: string; city: string; country: string }>(
    em,
    "select u.name as host_name, l.city, l.country from listings l join users u on u.id = l.host_id where l.id = ?",
    [booking.listingId],
  );
  const [payment] = await rows<{
    amount: number;
    currency: Currency;
    status: never;
    refund_status: string | null;
  }>(
    em,
    `select amount, currency, status, refund_status from payments where booking_id = ?
      order by (status in ('succeeded', 'refunded')) desc, created_at desc limit 1`,
    [bookingId],
  );
  const base = config.PUBLIC_URL.replace(/\/+$/, "");
  const bookingLink = `${base}/?booking=${encodeURIComponent(booking.id)}`;
  const context: EmailContext = {
    recipient,
    booking,
    hostName: listing.host_name,
    place: { city: listing.city, country: listing.country },
    payment: payment
      ? {
          amount: payment.amount,
          currency: payment.currency,
          status: payment.status,
          refundStatus: payment.refund_status,
        }
      : null,
    conflict: conflictId ? await loadConflictView(em, conflictId) : undefined,
    // The web app opens a booking (and its payment) from ?booking=<id>.
    links: {
      booking: bookingLink,
      pay: bookingLink,
      review: `${bookingLink}&review=1`,
      listing: `${base}/?listing=${encodeURIComponent(booking.listingId)}`,
    },
  };
  const content = render(context);
  if ("skip" in content) return content;
  return {
    email: {
      to: { name: recipient.name, address: recipient.email },
      ...renderEmail(content),
      messageId: sideEffectMessageId(sideEffect.id),
      headers: { "X-Nexus-Template": template, "X-Nexus-Side-Effect": sideEffect.key },
    },
  };
}

type AccountEmail = Extract<SideEffectMap["email"], { loginEventId: number }>;

/** An account's email (security_alert_user), from its login event as recorded (a pruned one: skipped). */
async function composeAccountEmail(
  em: EntityManager,
  sideEffect: { id: number; key: string; payload: AccountEmail },
): Promise<ComposedEmail> {
  const { template, recipientUserId, loginEventId, reasons } = sideEffect.payload;
  const [recipient] = await rows<{ name: string; email: string }>(em, "select name, email from users where id = ?", [
    recipientUserId,
  ]);
  if (!recipient) return { skip: "recipient not found" };
  const [event] = await rows<{
    id: string;
    ip: string | null;
    ip_kind: IpKind;
    country: string | null;
    region: string | null;
    city: string | null;
    asn: number | null;
    as_org: string | null;
    browser: string | null;
    os: string | null;
    created_at: Date;
  }>(em, "select * from login_events where id = ? and user_id = ?", [loginEventId, recipientUserId]);
  if (!event) return { skip: "login event not found (pruned)" };
  const view = newLoginView(
    {
      id: Number(event.id),
      ip: event.ip,
      ipKind: event.ip_kind,
      country: event.country,
      region: event.region,
      city: event.city,
      asn: event.asn,
      asOrg: event.as_org,
      browser: event.browser,
      os: event.os,
      createdAt: event.created_at,
    },
    reasons,
  );
  return {
    email: {
      to: { name: recipient.name, address: recipient.email },
      ...renderEmail(securityAlertEmail(recipient, view)),
      messageId: sideEffectMessageId(sideEffect.id),
      headers: { "X-Nexus-Template": template, "X-Nexus-Side-Effect": sideEffect.key },
    },
  };
}
