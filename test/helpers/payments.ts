import { createGuest, createHost, createListing, createUser, day, db, type TestUser } from "./factories.js";
import type { apiClient } from "./http.js";

export type Api = ReturnType<typeof apiClient>;

export interface HeldBooking {
  id: string;
  guest: TestUser;
  host: TestUser;
  listingId: string;
  totalPrice: number;
}

/** A fresh host, listing and guest, and the guest's hold on two nights, through POST /bookings. */
export async function heldBooking(api: Api, options: { guestEmail?: string } = {}): Promise<HeldBooking> {
  const host = await createHost();
  const guest = options.guestEmail ? await createUser({ email: options.guestEmail }) : await createGuest();
  const listing = await createListing(host, { pricePerNight: 12_550 });
  const res = await api.post(
    "/api/v1/bookings",
    { listingId: listing.id, checkIn: day(20), checkOut: day(22), guests: 1 },
    guest.auth,
  );
  if (res.status !== 201) throw new Error(`booking: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.booking.id, guest, host, listingId: listing.id, totalPrice: res.body.booking.totalPrice };
}

/** POST /bookings/:id/payments as the booking's guest; throws unless 201. */
export async function startCheckout(api: Api, booking: HeldBooking) {
  const res = await api.post(`/api/v1/bookings/${booking.id}/payments`, {}, booking.guest.auth);
  if (res.status !== 201) throw new Error(`payment: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.payment as { id: string; txRef: string; checkoutUrl: string; amount: number; currency: string };
}

export async function paymentRow(txRef: string) {
  const { rows } = await db().query("select * from payments where tx_ref = $1", [txRef]);
  return rows[0];
}

export async function bookingRow(id: string) {
  const { rows } = await db().query("select * from bookings where id = $1", [id]);
  return rows[0];
}

/** Event types recorded about a booking or its payments, oldest first. */
export async function eventTypesFor(bookingId: string): Promise<string[]> {
  const { rows } = await db().query(
    `select type from events
      where (type = 'payment.updated' and data->>'bookingId' = $1) or (type like 'booking.%' and data->>'id' = $1)
      order by id`,
    [bookingId],
  );
  return rows.map((r) => r.type);
}

/** Side effects recorded about a booking or one of its payments: "kind key" strings, sorted. */
export async function sideEffectsFor(bookingId: string, paymentId: string): Promise<string[]> {
  const { rows } = await db().query(
    "select kind, key from side_effects where payload->>'bookingId' = $1 or payload->>'paymentId' = $2 order by key",
    [bookingId, paymentId],
  );
  return rows.map((r) => `${r.kind} ${r.key}`);
}

export async function receiptsFor(txRef: string) {
  const { rows } = await db().query("select * from webhook_receipts where tx_ref = $1 order by id", [txRef]);
  return rows;
}
