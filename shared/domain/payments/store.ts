import type { EntityManager } from "@mikro-orm/postgresql";
import { sql } from "../../db/sql.js";
import type { CommandTx } from "../commands/unitOfWork.js";
import type { Currency } from "../currency.js";
import type { PaymentMode, PaymentStatus, RefundStatus } from "./status.js";
import type { PaymentView } from "./view.js";

/** A payments row with the people and listing of its booking (who hears about it, who may see it). */
export interface PaymentRecord {
  id: string;
  booking_id: string;
  tx_ref: string;
  status: PaymentStatus;
  amount: number;
  currency: Currency;
  mode: PaymentMode;
  checkout_url: string | null;
  chapa_reference: string | null;
  refund_status: RefundStatus | null;
  refunded_amount: number;
  created_at: Date;
  updated_at: Date;
  guest_id: string;
  host_id: string;
  listing_id: string;
}

const SELECT = `
  select p.id, p.booking_id, p.tx_ref, p.status, p.amount, p.currency, p.mode, p.checkout_url, p.chapa_reference,
         p.refund_status, p.refunded_amount, p.created_at, p.updated_at, b.guest_id, l.host_id, b.listing_id
    from payments p join bookings b on b.id = p.booking_id join listings l on l.id = b.listing_id`;

/**
 * One payment by tx_ref or id, or null. `forUpdate` locks the payments row only (not the booking's),
 * so take the booking's locks first: see settlePayment for the lock order.
 */
export async function findPayment(
  em: EntityManager,
  by: { txRef: string } | { id: string },
  options: { forUpdate?: boolean } = {},
): Promise<PaymentRecord | null> {
  const [column, value] = "txRef" in by ? ["p.tx_ref", by.txRef] : ["p.id", by.id];
  const lock = options.forUpdate ? " for update of p" : "";
  const [row] = await sql(em)<PaymentRecord>(`${SELECT} where ${column} = ?${lock}`, [value]);
  return row ?? null;
}

/** The pending payment of a booking (at most one: payments_one_pending_per_booking), or null. */
export async function findPendingPayment(em: EntityManager, bookingId: string): Promise<PaymentRecord | null> {
  const [row] = await sql(em)<PaymentRecord>(`${SELECT} where p.booking_id = ? and p.status = 'pending'`, [bookingId]);
  return row ?? null;
}

export function toPaymentView(row: PaymentRecord): PaymentView {
  return {
    id: row.id,
    bookingId: row.booking_id,
    txRef: row.tx_ref,
    status: row.status,
    amount: row.amount,
    currency: row.currency,
    refundedAmount: row.refunded_amount,
    checkoutUrl: row.checkout_url,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** Who hears about a payment: the guest who pays and the host who is paid. */
export function paymentAudience(row: Pick<PaymentRecord, "guest_id" | "host_id">): string[] {
  return [row.guest_id, row.host_id];
}

/** Records `payment.updated` (the payment as this transaction will commit it) for guest and host. */
export async function emitPaymentUpdated(tx: CommandTx, paymentId: string): Promise<PaymentView> {
  const row = (await findPayment(tx.em, { id: paymentId }))!;
  const view = toPaymentView(row);
  await tx.emit({ type: "payment.updated", data: view, userIds: paymentAudience(row) });
  return view;
}

/**
 * The payments of several bookings in one statement (GraphQL's batched `payments` and `latestPayment`),
 * oldest first; `latestOnly`: each booking's newest one. Visibility is the booking's: callers pass ids
 * of bookings the actor may see.
 */
export async function paymentsOfBookings(
  em: EntityManager,
  bookingIds: readonly string[],
  options: { latestOnly?: boolean } = {},
): Promise<PaymentView[]> {
  if (bookingIds.length === 0) return [];
  const ids = `{${bookingIds.join(",")}}`;
  const where = options.latestOnly
    ? `p.id in (select distinct on (booking_id) id from payments where booking_id = any(?::uuid[])
                 order by booking_id, created_at desc, id desc)`
    : "p.booking_id = any(?::uuid[])";
  const rows = await sql(em)<PaymentRecord>(`${SELECT} where ${where} order by p.created_at, p.id`, [ids]);
  return rows.map(toPaymentView);
}
