import "./helpers/env.js";
import "./helpers/chapa.js";

import test from "ava";
import { sandboxControlHeaders } from "../scripts/chapaSandbox/sandbox.js";
import { initOrm } from "../shared/db/orm.js";
import { execute } from "../shared/domain/commands/execute.js";
import { reconcilePendingPayments } from "../shared/domain/payments/reconcilePayments.js";
import { logger } from "../shared/logger.js";
import { chapaFromConfig } from "../shared/payments/chapa/fromConfig.js";
import { createRedis } from "../shared/redis.js";
import { PermanentJobError } from "../worker/jobs/defineJob.js";
import refundPayment from "../worker/jobs/refundPayment.js";
import { completeCheckout, sandboxTransaction, setWebhookDrop } from "./helpers/chapa.js";
import { eventually } from "./helpers/eventually.js";
import { db } from "./helpers/factories.js";
import {
  bookingRow,
  countOf,
  eventTypesFor,
  type HeldBooking,
  heldBooking,
  paymentRow,
  sideEffectsFor,
  startCheckout,
  usePaymentsStack,
} from "./helpers/payments.js";

const { api, stack } = usePaymentsStack();
let orm: Awaited<ReturnType<typeof initOrm>>;
let redis: ReturnType<typeof createRedis>;

test.before(async () => {
  orm = await initOrm();
  redis = createRedis("test-refunds");
});
test.after.always(async () => {
  await orm?.close();
  redis?.disconnect();
});

/** The reconciliation, as the worker runs it, for payments pending over 5 minutes. */
const reconcile = () =>
  execute(reconcilePendingPayments, { actor: null, input: { olderThanMinutes: 5 } }, { orm, chapa: chapaFromConfig() });

/** The refundPayment job's handler, called the way the worker calls it. */
const runRefundJob = (sideEffectId: number) =>
  refundPayment.handler(
    { sideEffectId },
    { deps: { orm, redis, queue: null, publisher: null } as never, log: logger, job: null as never },
  );

async function refundSideEffect(paymentId: string) {
  const { rows } = await db().query("select * from side_effects where key = $1", [`refund:${paymentId}`]);
  return rows[0];
}

/** Pays a booking whose hold has already expired; resolves once the webhook has been handled. */
async function payLate(booking: HeldBooking) {
  const payment = await startCheckout(api, booking);
  await db().query("update bookings set expires_at = now() - interval '1 second' where id = $1", [booking.id]);
  await completeCheckout(payment.checkoutUrl, "success");
  await eventually(async () => (await paymentRow(payment.txRef)).status === "succeeded", "the payment to succeed");
  return payment;
}

// Serial tests run first, alone: drop mode is global to the sandbox and reconciliation sees every payment.
test.serial("reconciliation settles a payment whose webhook was lost, and only payments old enough", async (t) => {
  const booking = await heldBooking(api);
  const payment = await startCheckout(api, booking);
  await setWebhookDrop(stack().sandboxUrl, true);
  try {
    await completeCheckout(payment.checkoutUrl, "success");
    const state = await sandboxTransaction(stack().sandboxUrl, payment.txRef);
    t.is(state.webhooks[0].state, "dropped");
  } finally {
    await setWebhookDrop(stack().sandboxUrl, false);
  }
  t.is((await bookingRow(booking.id)).status, "pending_payment");

  const young = await startCheckout(api, await heldBooking(api));
  t.deepEqual(await reconcile(), {
    checked: 0,
    settled: 0,
  });
  await db().query("update payments set created_at = now() - interval '6 minutes' where tx_ref = $1", [payment.txRef]);
  t.deepEqual(await reconcile(), {
    checked: 1,
    settled: 1,
  });

  t.is((await bookingRow(booking.id)).status, "confirmed");
  t.is((await paymentRow(payment.txRef)).status, "succeeded");
  t.is((await paymentRow(young.txRef)).status, "pending", "a payment younger than N minutes is left to its webhook");
  const events = await eventTypesFor(booking.id);
  t.is(countOf(events, "payment.updated"), 1);
  t.is(countOf(events, "booking.updated"), 1);
  t.deepEqual(await reconcile(), {
    checked: 0,
    settled: 0,
  });
});

test("paid after the hold expired → refund recorded; the refundPayment job refunds it at Chapa and here, once", async (t) => {
  const booking = await heldBooking(api);
  const availability = () =>
    db()
      .query(
        "select count(*)::int as n from committed_events where type = 'listing.availability' and listing_id = $1",
        [booking.listingId],
      )
      .then((r) => r.rows[0].n as number);
  const availabilityBefore = await availability();
  const payment = await payLate(booking);

  t.is(await availability(), availabilityBefore + 1, "the expired hold's dates are announced free");
  const row = await paymentRow(payment.txRef);
  t.like(row, { status: "succeeded", refund_status: "requested" });
  t.like(await bookingRow(booking.id), { status: "expired", note: "Paid after the hold expired; refunded." });
  let events = await eventTypesFor(booking.id);
  t.is(countOf(events, "payment.updated"), 1);
  t.is(countOf(events, "booking.updated"), 1);
  const effect = await refundSideEffect(payment.id);
  t.like(effect, { kind: "refund", payload: { paymentId: payment.id, reason: "paid after the hold expired" } });
  t.is(effect.done_at, null);
  t.false((await sideEffectsFor(booking.id, payment.id)).some((e) => e.includes("booking_confirmed")));

  await runRefundJob(Number(effect.id));
  const chapaSide = await sandboxTransaction(stack().sandboxUrl, payment.txRef);
  t.is(chapaSide.status, "refunded");
  t.is(chapaSide.refund?.reason, "paid after the hold expired");
  t.like(await paymentRow(payment.txRef), { status: "refunded", refund_status: "succeeded" });
  t.not((await refundSideEffect(payment.id)).done_at, null);
  events = await eventTypesFor(booking.id);
  t.is(countOf(events, "payment.updated"), 2);
  t.true((await sideEffectsFor(booking.id, payment.id)).includes(`email email:refund_issued_guest:${payment.id}`));
  const view = await api.get(`/api/v1/payments/${payment.txRef}`, booking.guest.auth);
  t.is(view.body.payment.status, "refunded");

  // Running the job again (a retry, a duplicate) changes nothing.
  await runRefundJob(Number(effect.id));
  t.is(countOf(await eventTypesFor(booking.id), "payment.updated"), 2);
});

test("paid after the booking was cancelled → refund requested, the note keeps why it was cancelled", async (t) => {
  const booking = await heldBooking(api);
  const payment = await startCheckout(api, booking);
  t.is((await api.post(`/api/v1/bookings/${booking.id}/cancel`, {}, booking.guest.auth)).status, 200);
  await completeCheckout(payment.checkoutUrl, "success");
  await eventually(async () => (await paymentRow(payment.txRef)).status === "succeeded", "the payment to succeed");

  t.is((await paymentRow(payment.txRef)).refund_status, "requested");
  const cancelled = await bookingRow(booking.id);
  t.is(cancelled.status, "cancelled");
  t.regex(cancelled.note, /^Cancelled by the guest\. Paid after the booking was cancelled; refunded\.$/);
  t.truthy(await refundSideEffect(payment.id));
});

test("a refund Chapa already made (our commit was lost) completes instead of failing", async (t) => {
  const booking = await heldBooking(api);
  const payment = await payLate(booking);
  await chapaFromConfig().refund(payment.txRef, { reason: "first attempt" });

  await runRefundJob(Number((await refundSideEffect(payment.id)).id));
  t.like(await paymentRow(payment.txRef), { status: "refunded", refund_status: "succeeded" });
});

test("Chapa refusing a refund (4xx) → refund_status failed for an operator, PermanentJobError (no retry)", async (t) => {
  const booking = await heldBooking(api);
  const payment = await startCheckout(api, booking);
  // Our books say paid, Chapa's say pending: Chapa refuses to refund a transaction that did not succeed.
  await db().query("update payments set status = 'succeeded' where id = $1", [payment.id]);
  const { rows } = await db().query(
    "insert into side_effects (kind, key, payload) values ('refund', $1, $2) returning id",
    [`refund:${payment.id}`, { paymentId: payment.id, reason: "test" }],
  );

  const error = await t.throwsAsync(runRefundJob(Number(rows[0].id)), { instanceOf: PermanentJobError });
  t.regex(error!.message, /Only successful transactions can be refunded/);
  t.like(await paymentRow(payment.txRef), { status: "succeeded", refund_status: "failed" });
  const effect = await refundSideEffect(payment.id);
  t.is(effect.done_at, null);
  t.regex(effect.last_error, /Chapa refused/);
});

// Serial: the injected outage is the shared sandbox's, so no other test of this file may run meanwhile (ava
// runs serial tests before the concurrent ones).
test.serial(
  "Chapa failing (5xx) during a refund: the attempt is recorded and retried; once Chapa is back the retry refunds once",
  async (t) => {
    const booking = await heldBooking(api);
    const payment = await payLate(booking);
    const effect = await refundSideEffect(payment.id);
    const fault = (body: unknown) =>
      fetch(`${stack().sandboxUrl}/__sandbox/faults`, {
        method: "POST",
        headers: sandboxControlHeaders(),
        body: JSON.stringify(body),
      });
    t.is((await fault({ status: 503, seconds: 60 })).status, 200);
    t.teardown(() => fault({ status: null }));

    const failure = await t.throwsAsync(runRefundJob(Number(effect.id)));
    t.false(failure instanceof PermanentJobError, "a transient failure: the job is retried, not failed for good");
    const recorded = await refundSideEffect(payment.id);
    t.is(recorded.attempts, 1, "the attempt is on record (committed before the job throws)");
    t.regex(recorded.last_error ?? "", /Chapa refund of .* failed/);
    t.is(recorded.done_at, null);
    t.like(await paymentRow(payment.txRef), { status: "succeeded", refund_status: "requested" });

    t.is((await fault({ status: null })).status, 200);
    await runRefundJob(Number(effect.id));
    t.like(await paymentRow(payment.txRef), { status: "refunded", refund_status: "succeeded" });
    const done = await refundSideEffect(payment.id);
    t.not(done.done_at, null);
    t.is(done.attempts, 2);
    t.is(countOf(await eventTypesFor(booking.id), "payment.updated"), 2, "one payment.updated for the refund");
  },
);
