import type { EntityManager } from "@mikro-orm/postgresql";
import type { BookingView } from "../../events/eventMap.js";

interface BookingRow {
  id: string;
  listing_id: string;
  listing_title: string;
  guest_id: string;
  guest_name: string;
  host_id: string;
  check_in: string;
  check_out: string;
  guests: number;
  total_price: number;
  currency: BookingView["currency"];
  status: BookingView["status"];
  expires_at: Date | null;
  note: string | null;
  created_at: Date;
  updated_at: Date;
}

const SELECT = `
  select b.id, b.listing_id, l.title as listing_title, b.guest_id, g.name as guest_name, l.host_id,
         to_char(b.check_in, 'YYYY-MM-DD') as check_in, to_char(b.check_out, 'YYYY-MM-DD') as check_out,
         b.guests, b.total_price, b.currency, b.status, b.expires_at, b.note, b.created_at, b.updated_at
  from bookings b join listings l on l.id = b.listing_id join users g on g.id = b.guest_id`;

/**
 * The one shape of a booking for users. hold_booking_dates() (its migration) builds the same JSON in
 * SQL for new holds: a change here needs a migration that redefines it (bookings.test.ts checks they agree).
 */
export function toBookingView(row: BookingRow): BookingView {
  const nights = Math.round((Date.parse(row.check_out) - Date.parse(row.check_in)) / 86_400_000);
  return {
    id: row.id,
    listingId: row.listing_id,
    listingTitle: row.listing_title,
    guestId: row.guest_id,
    guestName: row.guest_name,
    hostId: row.host_id,
    checkIn: row.check_in,
    checkOut: row.check_out,
    nights,
    guests: row.guests,
    totalPrice: row.total_price,
    currency: row.currency,
    status: row.status,
    expiresAt: row.status === "pending_payment" && row.expires_at ? new Date(row.expires_at).toISOString() : null,
    note: row.note,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/**
 * A booking as users see it (with listing title, guest name and host id), read in the caller's
 * transaction when there is one, so events carry the state being committed. Null when unknown.
 */
export async function loadBookingView(em: EntityManager, bookingId: string): Promise<BookingView | null> {
  const rows = await em
    .getConnection()
    .execute<BookingRow[]>(`${SELECT} where b.id = ?`, [bookingId], "all", em.getTransactionContext());
  return rows[0] ? toBookingView(rows[0]) : null;
}

/** Several bookings by a where clause over `b` / `l` (parameters bound), in the given order. */
export async function queryBookingViews(
  em: EntityManager,
  where: string,
  params: unknown[],
  orderAndLimit = "order by b.created_at desc, b.id desc",
): Promise<BookingView[]> {
  const rows = await em
    .getConnection()
    .execute<BookingRow[]>(`${SELECT} where ${where} ${orderAndLimit}`, params, "all", em.getTransactionContext());
  return rows.map(toBookingView);
}

/** Who hears about a booking: its guest and its listing's host. */
export function bookingAudience(view: Pick<BookingView, "guestId" | "hostId">): string[] {
  return [view.guestId, view.hostId];
}
