import test from "ava";
import { type PaymentsStack, startPaymentsStack } from "./chapa.js";
import {
  closeFactories,
  createGuest,
  createHost,
  createListing,
  createUser,
  day,
  db,
  type TestUser,
} from "./factories.js";
import { type ApiClient, apiClient } from "./http.js";

export type Api = ApiClient;

/** How many times `item` is in `list` (event types, side-effect kinds…). */
export const countOf = (list: string[], item: string): number => list.filter((x) => x === item).length;

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
    `select type from committed_events
      where (type = 'payment.updated' and data->>'bookingId' = $1) or (type like 'booking.%' and data->>'id' = $1)
      order by stage, seq`,
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

/**
 * A payments test file's stack (see startPaymentsStack), started by a serial before hook and closed
 * with the factories' pool after the last test, like useApp. `api` talks to its app. (Not in chapa.ts: that file sets the
 * environment before config is read, so it must not import anything that reads config.)
 */
export function usePaymentsStack(): { api: ApiClient; stack: () => PaymentsStack } {
  let running: PaymentsStack | undefined;
  const stack = () => {
    if (!running) throw new Error("usePaymentsStack: the stack starts in a before hook; use it from hooks and tests");
    return running;
  };
  test.serial.before("start the payments stack", async () => {
    running = await startPaymentsStack();
  });
  test.after.always("close the payments stack", async () => {
    await running?.close();
    await closeFactories();
  });
  return { api: apiClient(() => stack().app.url), stack };
}
