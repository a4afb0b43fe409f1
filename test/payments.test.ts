import "./helpers/env.js";
import "./helpers/chapa.js";

import test from "ava";
import { completeCheckout, PUBLIC_URL } from "./helpers/chapa.js";
import { eventually } from "./helpers/eventually.js";
import { createAdmin, createGuest, db } from "./helpers/factories.js";
import {
  bookingRow,
  countOf,
  eventTypesFor,
  heldBooking,
  paymentRow,
  receiptsFor,
  sideEffectsFor,
  startCheckout,
  usePaymentsStack,
} from "./helpers/payments.js";

const { api, stack } = usePaymentsStack();

// Serial tests run first, alone: making every initialize fail would hit the other tests' starts too.
test.serial(
  "Chapa down (5xx, after the client's retries) → 502 payment_provider_error; a retry opens a new checkout",
  async (t) => {
    const booking = await heldBooking(api);
    stack().front.failNext("/v1/transaction/initialize", 4, 503);
    const failed = await api.post(`/api/v1/bookings/${booking.id}/payments`, {}, booking.guest.auth);
    t.is(failed.status, 502);
    t.is(failed.body.error.code, "payment_provider_error");
    const { rows } = await db().query("select status from payments where booking_id = $1", [booking.id]);
    t.deepEqual(rows, [{ status: "failed" }], "the row is failed, so it does not block the retry");

    const retry = await api.post(`/api/v1/bookings/${booking.id}/payments`, {}, booking.guest.auth);
    t.is(retry.status, 201);
    t.is(retry.body.payment.status, "pending");
  },
);

test("full flow: hold → payment → pay on Chapa's checkout → webhook → booking confirmed, with events and emails", async (t) => {
  const booking = await heldBooking(api);
  const res = await api.post(`/api/v1/bookings/${booking.id}/payments`, {}, booking.guest.auth);
  t.is(res.status, 201);
  const payment = res.body.payment;
  t.like(payment, { bookingId: booking.id, status: "pending", amount: booking.totalPrice, currency: "ETB" });
  t.regex(payment.txRef, /^nx-/);
  t.true(payment.checkoutUrl.startsWith(`${stack().sandboxUrl}/checkout/`));
  t.like(await paymentRow(payment.txRef), { mode: "test", checkout_url: payment.checkoutUrl, status: "pending" });

  await completeCheckout(payment.checkoutUrl, "success");
  await eventually(async () => (await bookingRow(booking.id)).status === "confirmed", "the booking to be confirmed");

  const row = await paymentRow(payment.txRef);
  t.is(row.status, "succeeded");
  t.regex(row.chapa_reference, /^AP/);
  const events = await eventTypesFor(booking.id);
  t.is(countOf(events, "payment.updated"), 1);
  t.is(countOf(events, "booking.updated"), 1);
  const effects = await sideEffectsFor(booking.id, payment.id);
  t.true(effects.includes(`email email:booking_confirmed_guest:${booking.id}`));
  t.true(effects.includes(`email email:booking_confirmed_host:${booking.id}`));
  const receipts = await receiptsFor(payment.txRef);
  t.is(receipts.length, 1);
  t.like(receipts[0], { provider: "chapa", event: "charge.success", outcome: "confirmed" });
  t.truthy(receipts[0].processed_at);

  // Readable by the payer, the host and an admin; nobody else learns it exists.
  const admin = await createAdmin();
  for (const who of [booking.guest, booking.host, admin]) {
    const read = await api.get(`/api/v1/payments/${payment.txRef}`, who.auth);
    t.is(read.status, 200);
    t.like(read.body.payment, { id: payment.id, status: "succeeded", bookingId: booking.id });
  }
  t.is((await api.get(`/api/v1/payments/${payment.txRef}`, (await createGuest()).auth)).status, 404);
  t.is((await api.get(`/api/v1/payments/${payment.txRef}`)).status, 401);
  t.is((await api.get("/api/v1/payments/nx-unknown", admin.auth)).status, 404);

  // A paid booking cannot be paid again.
  const again = await api.post(`/api/v1/bookings/${booking.id}/payments`, {}, booking.guest.auth);
  t.is(again.status, 409);
  t.is(again.body.error.code, "invalid_transition");
});

test("only the booking's guest may start its payment: host, admin, strangers and bad ids get 404", async (t) => {
  const booking = await heldBooking(api);
  const admin = await createAdmin();
  for (const who of [booking.host, admin, await createGuest()]) {
    const res = await api.post(`/api/v1/bookings/${booking.id}/payments`, {}, who.auth);
    t.is(res.status, 404);
    t.is(res.body.error.code, "not_found");
  }
  t.is((await api.post("/api/v1/bookings/not-a-uuid/payments", {}, booking.guest.auth)).status, 404);
  t.is((await api.post(`/api/v1/bookings/${booking.id}/payments`, {})).status, 401);
  const { rows } = await db().query("select count(*)::int as n from payments where booking_id = $1", [booking.id]);
  t.is(rows[0].n, 0);
});

test("an expired hold → 409 hold_expired; a cancelled booking → 409 invalid_transition", async (t) => {
  const expired = await heldBooking(api);
  await db().query("update bookings set expires_at = now() - interval '1 second' where id = $1", [expired.id]);
  const late = await api.post(`/api/v1/bookings/${expired.id}/payments`, {}, expired.guest.auth);
  t.is(late.status, 409);
  t.is(late.body.error.code, "hold_expired");

  const cancelled = await heldBooking(api);
  t.is((await api.post(`/api/v1/bookings/${cancelled.id}/cancel`, {}, cancelled.guest.auth)).status, 200);
  const res = await api.post(`/api/v1/bookings/${cancelled.id}/payments`, {}, cancelled.guest.auth);
  t.is(res.status, 409);
  t.is(res.body.error.code, "invalid_transition");
});

test("a second start returns the same pending payment (200), also when two starts race", async (t) => {
  const booking = await heldBooking(api);
  const path = `/api/v1/bookings/${booking.id}/payments`;
  const racing = await Promise.all([api.post(path, {}, booking.guest.auth), api.post(path, {}, booking.guest.auth)]);
  t.deepEqual(racing.map((r) => r.status).sort(), [200, 201]);
  t.is(racing[0].body.payment.id, racing[1].body.payment.id);
  t.truthy(racing[0].body.payment.checkoutUrl);
  t.is(racing[0].body.payment.checkoutUrl, racing[1].body.payment.checkoutUrl);

  const third = await api.post(path, {}, booking.guest.auth);
  t.is(third.status, 200);
  t.is(third.body.payment.id, racing[0].body.payment.id);
  const { rows } = await db().query("select count(*)::int as n from payments where booking_id = $1", [booking.id]);
  t.is(rows[0].n, 1);
});

test("Idempotency-Key: the same key replays the first response; reused for another booking → 409", async (t) => {
  const booking = await heldBooking(api);
  const headers = { ...booking.guest.auth, "Idempotency-Key": `pay-${booking.id}` };
  const first = await api.post(`/api/v1/bookings/${booking.id}/payments`, {}, headers);
  const replay = await api.post(`/api/v1/bookings/${booking.id}/payments`, {}, headers);
  t.is(first.status, 201);
  t.is(replay.status, 201);
  t.deepEqual(replay.body, first.body);
  t.is(replay.headers.get("idempotent-replayed"), "true");

  // Keys are per user and cover the path: the same guest's key on another booking is a conflict, not a replay.
  const other = await heldBooking(api);
  const reused = await api.post(`/api/v1/bookings/${other.id}/payments`, {}, headers);
  t.is(reused.status, 409);
  t.is(reused.body.error.code, "idempotency_conflict");
});

test("Chapa refusing the checkout (4xx) → 502 payment_provider_error and no pending payment left behind", async (t) => {
  // The sandbox, like Chapa, refuses an email without a domain dot.
  const booking = await heldBooking(api, { guestEmail: `nodot-${Date.now()}@localhost` });
  const res = await api.post(`/api/v1/bookings/${booking.id}/payments`, {}, booking.guest.auth);
  t.is(res.status, 502);
  t.is(res.body.error.code, "payment_provider_error");
  const { rows } = await db().query("select status from payments where booking_id = $1", [booking.id]);
  t.deepEqual(rows, [{ status: "failed" }]);
});

test("a declined payment fails (event, email); the guest starts a new one while the hold lasts", async (t) => {
  const booking = await heldBooking(api);
  const payment = await startCheckout(api, booking);
  await completeCheckout(payment.checkoutUrl, "failed");
  await eventually(async () => (await paymentRow(payment.txRef)).status === "failed", "the payment to fail");

  t.is((await bookingRow(booking.id)).status, "pending_payment");
  const events = await eventTypesFor(booking.id);
  t.is(countOf(events, "payment.updated"), 1);
  t.is(countOf(events, "booking.updated"), 0);
  t.true((await sideEffectsFor(booking.id, payment.id)).includes(`email email:payment_failed_guest:${payment.id}`));
  t.is((await api.get(`/api/v1/payments/${payment.txRef}`, booking.guest.auth)).body.payment.status, "failed");

  const next = await api.post(`/api/v1/bookings/${booking.id}/payments`, {}, booking.guest.auth);
  t.is(next.status, 201);
  t.not(next.body.payment.txRef, payment.txRef);
});

test("the return URL: an unknown tx_ref redirects with payment=unknown; a missing one is 400", async (t) => {
  const unknown = await api.get("/api/v1/payments/return?tx_ref=nx-nobody-knows");
  t.is(unknown.status, 302);
  const location = new URL(unknown.headers.get("location")!);
  t.is(location.searchParams.get("payment"), "unknown");
  t.is(location.searchParams.get("booking"), null);
  const missing = await api.get("/api/v1/payments/return");
  t.is(missing.status, 400);
  t.is(missing.body.error.code, "validation_failed");
});

test("the return URL while Chapa cannot be asked: redirects with the stored status (pending), never an error", async (t) => {
  const booking = await heldBooking(api);
  const payment = await startCheckout(api, booking);
  stack().front.failNext(`/v1/transaction/verify/${payment.txRef}`, 4, 503);
  const back = await api.get(`/api/v1/payments/return?tx_ref=${payment.txRef}`);
  t.is(back.status, 302);
  t.is(back.headers.get("location"), `${PUBLIC_URL}/?payment=pending&booking=${booking.id}`);
});

test("Chapa's callback GET: 200 whether or not the tx_ref is ours; trx_ref is required", async (t) => {
  const unknown = await api.get("/api/v1/payments/callback?trx_ref=nx-nobody-knows&status=success");
  t.is(unknown.status, 200);
  t.deepEqual(unknown.body, { received: true });
  const missing = await api.get("/api/v1/payments/callback?status=success");
  t.is(missing.status, 400);
  t.is(missing.body.error.code, "validation_failed");
});
