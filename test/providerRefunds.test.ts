import "./helpers/env.js";
import "./helpers/chapa.js";

import test from "ava";
import { sandboxControlHeaders } from "../scripts/chapaSandbox/sandbox.js";
import { initOrm } from "../shared/db/orm.js";
import { execute } from "../shared/domain/commands/execute.js";
import { reconcilePendingPayments } from "../shared/domain/payments/reconcilePayments.js";
import { STARTED_STAY_REFUND_NOTE } from "../shared/domain/payments/settleProviderRefund.js";
import { logger } from "../shared/logger.js";
import { chapaFromConfig } from "../shared/payments/chapa/fromConfig.js";
import { createRedis } from "../shared/redis.js";
import refundPayment from "../worker/jobs/refundPayment.js";
import { completeCheckout, refundAtProvider, sandboxTransaction, setWebhookDrop } from "./helpers/chapa.js";
import { eventually } from "./helpers/eventually.js";
import { db } from "./helpers/factories.js";
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

/**
 * Refunds made on Chapa's side (its dashboard, a dispute), which we only hear of: the signed
 * charge.refunded webhook the sandbox sends, or reconciliation's verify answering `refunded`.
 */
const { api, stack } = usePaymentsStack();
let orm: Awaited<ReturnType<typeof initOrm>>;
let redis: ReturnType<typeof createRedis>;
test.before(async () => {
  orm = await initOrm();
  redis = createRedis("test-provider-refunds");
});
test.after.always(async () => {
  await orm?.close();
  redis?.disconnect();
});

/** Until every webhook the sandbox sent for this tx_ref has been answered 2xx. */
const allDelivered = (txRef: string, count: number) =>
  eventually(async () => {
    const state = await sandboxTransaction(stack().sandboxUrl, txRef);
    return state.webhooks.length === count && state.webhooks.every((w) => w.state === "delivered") && state;
  }, `${count} webhooks for ${txRef} answered 2xx`);

/** A guest's stay 20 days ahead, paid and confirmed (its charge.success webhook handled). */
async function confirmedStay() {
  const booking = await heldBooking(api);
  const payment = await startCheckout(api, booking);
  await completeCheckout(payment.checkoutUrl, "success");
  await allDelivered(payment.txRef, 1);
  await eventually(async () => (await bookingRow(booking.id)).status === "confirmed", "confirmed");
  return { booking, payment };
}

// Serial: drop mode is the shared sandbox's, and reconciliation sees every pending payment.
test.serial(
  "reconciliation finding a transaction refunded at Chapa: payment refunded, the hold cancelled (provider)",
  async (t) => {
    const booking = await heldBooking(api);
    const payment = await startCheckout(api, booking);
    await setWebhookDrop(stack().sandboxUrl, true);
    try {
      await completeCheckout(payment.checkoutUrl, "success");
      await refundAtProvider(stack().sandboxUrl, payment.txRef);
    } finally {
      await setWebhookDrop(stack().sandboxUrl, false);
    }
    t.is((await paymentRow(payment.txRef)).status, "pending", "we heard nothing");
    await db().query("update payments set created_at = now() - interval '6 minutes' where tx_ref = $1", [
      payment.txRef,
    ]);
    const result = await execute(
      reconcilePendingPayments,
      { actor: null, input: { olderThanMinutes: 5 } },
      { orm, chapa: chapaFromConfig() },
    );
    t.like(result, { settled: 1 });
    t.like(await paymentRow(payment.txRef), { status: "refunded", refunded_amount: payment.amount });
    t.like(await bookingRow(booking.id), {
      status: "cancelled",
      cancelled_by: "provider",
      refund_amount: payment.amount,
    });
    const events = await eventTypesFor(booking.id);
    t.is(countOf(events, "payment.updated"), 1);
    t.is(countOf(events, "booking.updated"), 1);
  },
);

test.serial(
  "reconciliation asks Chapa about paid stays now and then: a refund whose webhook was lost is found",
  async (t) => {
    const refunded = await confirmedStay();
    const kept = await confirmedStay();
    await setWebhookDrop(stack().sandboxUrl, true);
    try {
      await refundAtProvider(stack().sandboxUrl, refunded.payment.txRef);
    } finally {
      await setWebhookDrop(stack().sandboxUrl, false);
    }
    const reconcile = () =>
      execute(
        reconcilePendingPayments,
        { actor: null, input: { olderThanMinutes: 5, refundCheckHours: 6 } },
        { orm, chapa: chapaFromConfig() },
      );
    t.like(await reconcile(), { settled: 0 }, "paid less than 6 hours ago: not asked yet");
    t.is((await paymentRow(refunded.payment.txRef)).status, "succeeded");

    await db().query("update payments set updated_at = now() - interval '7 hours' where tx_ref = any($1)", [
      [refunded.payment.txRef, kept.payment.txRef],
    ]);
    t.like(await reconcile(), { checked: 2, settled: 1 });
    t.like(await paymentRow(refunded.payment.txRef), { status: "refunded" });
    t.like(await bookingRow(refunded.booking.id), { status: "cancelled", cancelled_by: "provider" });
    const stillPaid = await paymentRow(kept.payment.txRef);
    t.like(stillPaid, { status: "succeeded" });
    t.not(stillPaid.refund_checked_at, null);
    t.is((await bookingRow(kept.booking.id)).status, "confirmed");
    t.like(await reconcile(), { checked: 0, settled: 0 }, "each is asked at most once per refundCheckHours");
  },
);

test("charge.refunded for an upcoming stay: payment refunded, booking cancelled by the provider, both told live and by email; a redelivery changes nothing", async (t) => {
  const { booking, payment } = await confirmedStay();
  const before = await eventTypesFor(booking.id);

  await refundAtProvider(stack().sandboxUrl, payment.txRef, { reason: "chargeback" });
  await allDelivered(payment.txRef, 2);
  t.like(await paymentRow(payment.txRef), {
    status: "refunded",
    refunded_amount: booking.totalPrice,
    refund_status: "succeeded",
  });
  const cancelled = await bookingRow(booking.id);
  t.like(cancelled, { status: "cancelled", cancelled_by: "provider", refund_amount: booking.totalPrice });
  t.regex(cancelled.note, /refunded at Chapa/);

  const events = await eventTypesFor(booking.id);
  t.is(countOf(events, "payment.updated") - countOf(before, "payment.updated"), 1);
  t.is(countOf(events, "booking.updated") - countOf(before, "booking.updated"), 1);
  const { rows } = await db().query(
    "select user_ids::text[] as user_ids, data from committed_events where type = 'booking.updated' and data->>'id' = $1 order by stage desc, seq desc limit 1",
    [booking.id],
  );
  t.deepEqual(rows[0].user_ids, [booking.guest.id, booking.host.id]);
  t.like(rows[0].data, { status: "cancelled", cancelledBy: "provider" });
  const effects = await sideEffectsFor(booking.id, payment.id);
  for (const key of [
    `email email:booking_cancelled_guest:${booking.id}`,
    `email email:booking_cancelled_host:${booking.id}`,
    `email email:refund_issued_guest:${payment.id}`,
  ]) {
    t.true(effects.includes(key), key);
  }
  t.false(
    effects.some((e) => e.startsWith("refund ")),
    "nothing for us to refund: Chapa did",
  );
  const view = await api.get(`/api/v1/bookings/${booking.id}`, booking.guest.auth);
  t.like(view.body.booking, { status: "cancelled", cancelledBy: "provider" });

  // Chapa delivers it again (the same signed bytes, and a fresh delivery of the same event).
  const resend = await fetch(`${stack().sandboxUrl}/__sandbox/transactions/${payment.txRef}/webhook`, {
    method: "POST",
    headers: sandboxControlHeaders(),
    body: JSON.stringify({ event: "charge.refunded" }),
  });
  if (resend.status === 202) await allDelivered(payment.txRef, 3);
  t.deepEqual(await eventTypesFor(booking.id), events, "no new event");
  t.deepEqual(await sideEffectsFor(booking.id, payment.id), effects, "no new side effect");
  t.true((await receiptsFor(payment.txRef)).length >= 2);
});

test("charge.refunded once the stay has begun: the booking is left as it is, flagged for an operator, the host told", async (t) => {
  const { booking, payment } = await confirmedStay();
  // The stay began today (UTC, the listing's time zone): its dates moved, as time would have moved them.
  await db().query("update bookings set check_in = current_date, check_out = current_date + 2 where id = $1", [
    booking.id,
  ]);

  await refundAtProvider(stack().sandboxUrl, payment.txRef);
  await allDelivered(payment.txRef, 2);
  t.like(await paymentRow(payment.txRef), { status: "refunded" });
  const flagged = await bookingRow(booking.id);
  t.like(flagged, { status: "confirmed", cancelled_by: null });
  t.true(flagged.note.includes(STARTED_STAY_REFUND_NOTE));
  const effects = await sideEffectsFor(booking.id, payment.id);
  t.true(effects.includes(`email email:payment_refunded_host:${payment.id}`));
  t.true(effects.includes(`email email:refund_issued_guest:${payment.id}`));
  t.false(effects.some((e) => e.includes("booking_cancelled")));
  const events = await eventTypesFor(booking.id);
  t.is(events.at(-1), "booking.updated", "the note is told live");
});

test("a partial refund we asked for (charge.refunded, verify still success) changes nothing more", async (t) => {
  const { booking, payment } = await confirmedStay();
  await chapaFromConfig().refund(payment.txRef, { reason: "goodwill", amount: 100 });
  await allDelivered(payment.txRef, 2);
  t.like(await paymentRow(payment.txRef), { status: "succeeded" });
  t.is((await bookingRow(booking.id)).status, "confirmed");
});

test("charge.refunded for the refund we asked for (it beat our job's commit) is only recorded; the job then just finishes", async (t) => {
  const { booking, payment } = await confirmedStay();
  const cancel = await api.post(`/api/v1/bookings/${booking.id}/cancel`, {}, booking.guest.auth);
  t.like(cancel.body, { refund: { amount: booking.totalPrice }, booking: { cancelledBy: "guest" } });
  // Our job's call to Chapa, its commit not made yet: Chapa's webhook arrives first.
  await chapaFromConfig().refund(payment.txRef, {
    reason: "booking cancelled by the guest",
    amount: booking.totalPrice,
    reference: `nexus-refund-${payment.id}`,
  });
  await allDelivered(payment.txRef, 2);
  t.like(await paymentRow(payment.txRef), { status: "refunded", refunded_amount: booking.totalPrice });
  t.like(
    await bookingRow(booking.id),
    { status: "cancelled", cancelled_by: "guest" },
    "still the guest's cancellation",
  );
  const events = await eventTypesFor(booking.id);

  const { rows } = await db().query("select id from side_effects where key = $1", [`refund:${payment.id}`]);
  await refundPayment.handler(
    { sideEffectId: Number(rows[0].id) },
    { deps: { orm, redis, queue: null, publisher: null } as never, log: logger, job: null as never },
  );
  const { rows: done } = await db().query("select done_at from side_effects where id = $1", [rows[0].id]);
  t.not(done[0].done_at, null);
  t.deepEqual(await eventTypesFor(booking.id), events, "no second payment.updated");
  t.is((await sandboxTransaction(stack().sandboxUrl, payment.txRef)).refunds.length, 1, "Chapa refunded once");
});
