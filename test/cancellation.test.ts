import "./helpers/env.js";
import "./helpers/chapa.js";

import test from "ava";
import { initOrm } from "../shared/db/orm.js";
import { completePastStaysSweep } from "../shared/domain/bookings/completePastStays.js";
import { execute } from "../shared/domain/commands/execute.js";
import { logger } from "../shared/logger.js";
import { createRedis } from "../shared/redis.js";
import refundPayment from "../worker/jobs/refundPayment.js";
import { completeCheckout, sandboxTransaction } from "./helpers/chapa.js";
import { eventually } from "./helpers/eventually.js";
import { createAdmin, createBooking, createGuest, createHost, createListing, day, db } from "./helpers/factories.js";
import { bookingRow, type HeldBooking, paymentRow, startCheckout, usePaymentsStack } from "./helpers/payments.js";

/**
 * Cancelling over HTTP: the quote (GET /bookings/:id/cancellation) and the cancel agree, the policy's
 * share reaches Chapa as a partial refund, the host refunds in full, an admin chooses, and a guest
 * cannot cancel once the check-in day has begun (dates set through the booking itself, never a sleep).
 */
const { api, stack } = usePaymentsStack();
let orm: Awaited<ReturnType<typeof initOrm>>;
let redis: ReturnType<typeof createRedis>;
test.before(async () => {
  orm = await initOrm();
  redis = createRedis("test-cancellation");
});
test.after.always(async () => {
  await orm?.close();
  redis?.disconnect();
});

/** The refundPayment job's handler, called the way the worker calls it. */
const runRefundJob = (sideEffectId: number) =>
  refundPayment.handler(
    { sideEffectId },
    { deps: { orm, redis, queue: null, publisher: null } as never, log: logger, job: null as never },
  );

async function refundEffect(paymentId: string) {
  const { rows } = await db().query("select * from side_effects where key = $1", [`refund:${paymentId}`]);
  return rows[0];
}

/** A listing with these rules, and a guest's stay there paid through the sandbox (confirmed). */
async function paidStay(o: { policy: string; timeZone?: string; checkIn: number; nights?: number }) {
  const host = await createHost();
  const guest = await createGuest();
  const listing = await createListing(host, { pricePerNight: 10_001 });
  await db().query("update listings set cancellation_policy = $2, time_zone = $3 where id = $1", [
    listing.id,
    o.policy,
    o.timeZone ?? "UTC",
  ]);
  const res = await api.post(
    "/api/v1/bookings",
    { listingId: listing.id, checkIn: day(o.checkIn), checkOut: day(o.checkIn + (o.nights ?? 2)), guests: 1 },
    guest.auth,
  );
  if (res.status !== 201) throw new Error(`booking: ${res.status} ${JSON.stringify(res.body)}`);
  const booking: HeldBooking = {
    id: res.body.booking.id,
    guest,
    host,
    listingId: listing.id,
    totalPrice: res.body.booking.totalPrice,
  };
  const payment = await startCheckout(api, booking);
  await completeCheckout(payment.checkoutUrl, "success");
  await eventually(async () => (await bookingRow(booking.id)).status === "confirmed", "the stay to be confirmed");
  return { ...booking, payment };
}

test("moderate, 3 days ahead: the quote says 50%, the cancel refunds the same, and Chapa refunds that part", async (t) => {
  const stay = await paidStay({ policy: "moderate", checkIn: 3 });
  t.is(stay.totalPrice, 20_002);
  const quote = await api.get(`/api/v1/bookings/${stay.id}/cancellation`, stay.guest.auth);
  t.is(quote.status, 200, JSON.stringify(quote.body));
  t.like(quote.body, {
    refund: { amount: 10_001, currency: "ETB" },
    rule: { policy: "moderate", by: "guest", refundPercent: 50, threshold: { daysBefore: 5, passed: true } },
  });
  t.regex(quote.body.rule.description, /less than 5 days before check-in: 50%/);

  const cancel = await api.post(`/api/v1/bookings/${stay.id}/cancel`, {}, stay.guest.auth);
  t.is(cancel.status, 200, JSON.stringify(cancel.body));
  t.deepEqual(cancel.body.refund, quote.body.refund, "the cancel refunds what the quote said");
  t.deepEqual(cancel.body.rule, quote.body.rule);
  t.like(cancel.body.booking, { status: "cancelled", cancelledBy: "guest", refundAmount: 10_001 });

  const effect = await refundEffect(stay.payment.id);
  t.like(effect.payload, { paymentId: stay.payment.id, amount: 10_001 });
  await runRefundJob(Number(effect.id));
  const chapa = await sandboxTransaction(stack().sandboxUrl, stay.payment.txRef);
  t.is(chapa.status, "success", "part of the charge is kept");
  t.deepEqual(
    chapa.refunds.map((r) => r.amount),
    ["100.01"],
  );
  t.like(await paymentRow(stay.payment.txRef), {
    status: "succeeded",
    refunded_amount: 10_001,
    refund_status: "succeeded",
  });
  const payment = await api.get(`/api/v1/payments/${stay.payment.txRef}`, stay.guest.auth);
  t.like(payment.body.payment, { status: "succeeded", refundedAmount: 10_001 });
  const booking = await api.get(`/api/v1/bookings/${stay.id}`, stay.host.auth);
  t.like(booking.body.booking, { cancelledBy: "guest", refundAmount: 10_001 });
});

test("strict, 3 days ahead: the guest gets nothing back and Chapa is not asked", async (t) => {
  const stay = await paidStay({ policy: "strict", checkIn: 3 });
  const cancel = await api.post(`/api/v1/bookings/${stay.id}/cancel`, {}, stay.guest.auth);
  t.is(cancel.status, 200);
  t.like(cancel.body, { refund: { amount: 0 }, rule: { policy: "strict", refundPercent: 0 } });
  t.is(await refundEffect(stay.payment.id), undefined, "a refund of 0 records no refund");
  t.like(await paymentRow(stay.payment.txRef), { status: "succeeded", refunded_amount: 0, refund_status: null });
});

test("flexible, 10 days ahead: full refund; the payment becomes refunded", async (t) => {
  const stay = await paidStay({ policy: "flexible", checkIn: 10 });
  const cancel = await api.post(`/api/v1/bookings/${stay.id}/cancel`, {}, stay.guest.auth);
  t.like(cancel.body, { refund: { amount: 20_002 }, rule: { refundPercent: 100, threshold: { passed: false } } });
  await runRefundJob(Number((await refundEffect(stay.payment.id)).id));
  t.like(await paymentRow(stay.payment.txRef), { status: "refunded", refunded_amount: 20_002 });
  t.is((await sandboxTransaction(stack().sandboxUrl, stay.payment.txRef)).status, "refunded");
});

test("the host cancelling a confirmed stay refunds the guest in full, recorded against the host", async (t) => {
  const stay = await paidStay({ policy: "strict", checkIn: 2 });
  const quote = await api.get(`/api/v1/bookings/${stay.id}/cancellation`, stay.host.auth);
  t.like(quote.body, { refund: { amount: 20_002 }, rule: { by: "host", refundPercent: 100, threshold: null } });
  const cancel = await api.post(`/api/v1/bookings/${stay.id}/cancel`, {}, stay.host.auth);
  t.like(cancel.body, { refund: { amount: 20_002 }, booking: { cancelledBy: "host", refundAmount: 20_002 } });
  t.like((await refundEffect(stay.payment.id)).payload, { amount: 20_002, reason: "booking cancelled by the host" });
});

test("refundAmount: admins only (403 otherwise), 0 to what was paid (400 otherwise), then refunded as chosen", async (t) => {
  const stay = await paidStay({ policy: "strict", checkIn: 2 });
  const admin = await createAdmin();
  const byGuest = await api.post(`/api/v1/bookings/${stay.id}/cancel`, { refundAmount: 5 }, stay.guest.auth);
  t.is(byGuest.status, 403);
  t.is(byGuest.body.error.code, "forbidden");
  t.is((await api.post(`/api/v1/bookings/${stay.id}/cancel`, { refundAmount: 5 }, stay.host.auth)).status, 403);
  const stranger = await createGuest();
  t.is((await api.post(`/api/v1/bookings/${stay.id}/cancel`, { refundAmount: 5 }, stranger.auth)).status, 404);
  for (const refundAmount of [20_003, -1, 1.5, "5"]) {
    const bad = await api.post(`/api/v1/bookings/${stay.id}/cancel`, { refundAmount }, admin.auth);
    t.is(bad.status, 400, `refundAmount ${refundAmount}`);
    t.is(bad.body.error.code, "validation_failed");
    t.is(bad.body.error.details[0].path, "refundAmount");
  }
  t.is((await bookingRow(stay.id)).status, "confirmed", "nothing changed");

  const quote = await api.get(`/api/v1/bookings/${stay.id}/cancellation`, admin.auth);
  t.like(quote.body, { refund: { amount: 0 }, rule: { by: "admin", refundPercent: 0 } }, "the policy's by default");
  const cancel = await api.post(`/api/v1/bookings/${stay.id}/cancel`, { refundAmount: 7_500 }, admin.auth);
  t.is(cancel.status, 200, JSON.stringify(cancel.body));
  t.like(cancel.body, {
    refund: { amount: 7_500 },
    rule: { by: "admin", refundPercent: null },
    booking: { cancelledBy: "admin", refundAmount: 7_500 },
  });
  await runRefundJob(Number((await refundEffect(stay.payment.id)).id));
  t.deepEqual(
    (await sandboxTransaction(stack().sandboxUrl, stay.payment.txRef)).refunds.map((r) => r.amount),
    ["75.00"],
  );
});

test("an unpaid hold refunds 0, and its guest may withdraw it", async (t) => {
  const host = await createHost();
  const guest = await createGuest();
  const listing = await createListing(host);
  const held = await api.post(
    "/api/v1/bookings",
    { listingId: listing.id, checkIn: day(4), checkOut: day(6), guests: 1 },
    guest.auth,
  );
  const id = held.body.booking.id;
  t.like((await api.get(`/api/v1/bookings/${id}/cancellation`, guest.auth)).body, { refund: { amount: 0 } });
  const cancel = await api.post(`/api/v1/bookings/${id}/cancel`, {}, guest.auth);
  t.like(cancel.body, { refund: { amount: 0 }, booking: { status: "cancelled", refundAmount: 0 } });
});

test("a guest cannot cancel once the check-in day has begun in the listing's time zone (409 stay_started); the host can", async (t) => {
  const host = await createHost();
  const guest = await createGuest();
  // In Kiritimati (UTC+14) UTC's today began at 10:00 UTC yesterday: whatever the hour, a stay checking
  // in on UTC's today has begun there too.
  for (const timeZone of ["UTC", "Pacific/Kiritimati"]) {
    const listing = await createListing(host);
    await db().query("update listings set time_zone = $2 where id = $1", [listing.id, timeZone]);
    const booking = await createBooking(listing, guest, { checkIn: day(0), checkOut: day(3) });
    const quote = await api.get(`/api/v1/bookings/${booking.id}/cancellation`, guest.auth);
    t.is(quote.status, 409, timeZone);
    t.is(quote.body.error.code, "stay_started");
    const cancel = await api.post(`/api/v1/bookings/${booking.id}/cancel`, {}, guest.auth);
    t.is(cancel.status, 409);
    t.is(cancel.body.error.code, "stay_started");
    t.is((await bookingRow(booking.id)).status, "confirmed");
    const byHost = await api.post(`/api/v1/bookings/${booking.id}/cancel`, {}, host.auth);
    t.is(byHost.status, 200, `${timeZone}: the host still may`);
    t.like(byHost.body.booking, { status: "cancelled", cancelledBy: "host" });
  }
  // Pago Pago (UTC−11): a stay checking in on UTC's tomorrow has not begun there even late in UTC's day.
  const west = await createListing(host);
  await db().query("update listings set time_zone = 'Pacific/Pago_Pago' where id = $1", [west.id]);
  const later = await createBooking(west, guest, { checkIn: day(1), checkOut: day(3) });
  const ok = await api.get(`/api/v1/bookings/${later.id}/cancellation`, guest.auth);
  t.is(ok.status, 200, JSON.stringify(ok.body));
});

test("a confirmed stay whose check-out day has begun is completed by a cancel, which answers 409; reviews open", async (t) => {
  const host = await createHost();
  const guest = await createGuest();
  const listing = await createListing(host);
  const booking = await createBooking(listing, guest, { checkIn: day(-3), checkOut: day(0) });
  const quote = await api.get(`/api/v1/bookings/${booking.id}/cancellation`, host.auth);
  t.is(quote.status, 409);
  t.is(quote.body.error.code, "invalid_transition");
  t.is((await bookingRow(booking.id)).status, "confirmed", "a quote changes nothing");

  const cancel = await api.post(`/api/v1/bookings/${booking.id}/cancel`, {}, host.auth);
  t.is(cancel.status, 409);
  t.is(cancel.body.error.code, "invalid_transition");
  t.regex(cancel.body.error.message, /over/);
  t.is((await bookingRow(booking.id)).status, "completed", "completed instead, and that committed");
  const review = await api.post(`/api/v1/bookings/${booking.id}/review`, { rating: 5, comment: "Lovely" }, guest.auth);
  t.is(review.status, 201, JSON.stringify(review.body));
  const { rows } = await db().query("select key from side_effects where key = $1", [
    `email:review_request_guest:${booking.id}`,
  ]);
  t.is(rows.length, 1);
});

test("the quote is for the booking's guest, host and admins only; others get 404", async (t) => {
  const host = await createHost();
  const guest = await createGuest();
  const listing = await createListing(host);
  const booking = await createBooking(listing, guest, { checkIn: day(30), checkOut: day(32) });
  const admin = await createAdmin();
  for (const who of [guest, host, admin]) {
    t.is((await api.get(`/api/v1/bookings/${booking.id}/cancellation`, who.auth)).status, 200);
  }
  const stranger = await createGuest();
  t.is((await api.get(`/api/v1/bookings/${booking.id}/cancellation`, stranger.auth)).status, 404);
  t.is((await api.get(`/api/v1/bookings/${booking.id}/cancellation`, {})).status, 401);
  t.is((await api.get("/api/v1/bookings/not-a-uuid/cancellation", guest.auth)).status, 404);
});

// Serial (so before the others): the sweep is global, and would complete another test's stay that is over.
test.serial(
  "the completion sweep completes a stay once its check-out day has begun in its listing's time zone",
  async (t) => {
    const host = await createHost();
    const guest = await createGuest();
    const east = await createListing(host);
    const west = await createListing(host);
    await db().query("update listings set time_zone = 'Pacific/Kiritimati' where id = $1", [east.id]);
    await db().query("update listings set time_zone = 'Pacific/Pago_Pago' where id = $1", [west.id]);
    const ending = await createBooking(east, guest, { checkIn: day(-5), checkOut: day(-3) });
    const notYet = await createBooking(west, guest, { checkIn: day(-5), checkOut: day(-3) });
    // Both check out on Kiritimati's today (UTC+14): begun there, and still tomorrow in Pago Pago (UTC−11).
    await db().query(
      "update bookings set check_out = (now() at time zone 'Pacific/Kiritimati')::date where id = any($1)",
      [[ending.id, notYet.id]],
    );
    t.true((await execute(completePastStaysSweep, { actor: null, input: {} }, { orm })) >= 1);
    t.is((await bookingRow(ending.id)).status, "completed");
    t.is((await bookingRow(notYet.id)).status, "confirmed", "its check-out day has not begun in Pago Pago");
  },
);
