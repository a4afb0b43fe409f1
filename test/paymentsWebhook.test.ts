import "./helpers/env.js";
import "./helpers/chapa.js";

import test from "ava";
import { sandboxControlHeaders } from "../scripts/chapaSandbox/sandbox.js";
import { logger } from "../shared/logger.js";
import { completeCheckout, PUBLIC_URL, postWebhook, sandboxTransaction } from "./helpers/chapa.js";
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

const { api, stack } = usePaymentsStack();

/** Until every webhook the sandbox sent for this tx_ref has been answered 2xx. */
const allDelivered = (txRef: string) =>
  eventually(async () => {
    const state = await sandboxTransaction(stack().sandboxUrl, txRef);
    return state.webhooks.length > 0 && state.webhooks.every((w) => w.state === "delivered") && state;
  }, `every webhook for ${txRef} answered 2xx`);

/** A webhook body of our own, nested under `data` (the flat form is what the sandbox sends). */
const nestedBody = (payment: { txRef: string; amount: number }) =>
  JSON.stringify({
    event: "charge.success",
    data: {
      tx_ref: payment.txRef,
      status: "success",
      amount: (payment.amount / 100).toFixed(2),
      currency: "ETB",
      mode: "test",
    },
  });

test("a forged signature → 401 invalid_signature and nothing recorded", async (t) => {
  const booking = await heldBooking(api);
  const payment = await startCheckout(api, booking);
  await completeCheckout(payment.checkoutUrl, "success");
  await allDelivered(payment.txRef);
  await db().query("delete from webhook_receipts where tx_ref = $1", [payment.txRef]);

  const body = nestedBody(payment);
  const forged = await postWebhook(stack().app.url, body, "00".repeat(32));
  t.is(forged.status, 401);
  t.is(forged.body.error.code, "invalid_signature");
  const unsigned = await fetch(`${stack().app.url}/api/v1/webhooks/chapa`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  t.is(unsigned.status, 401);
  // A signature of another body does not cover this one.
  const { signWebhookBody } = await import("../shared/payments/chapa/signature.js");
  const swapped = await postWebhook(stack().app.url, body, signWebhookBody("{}", "nexus-payment-tests-webhook-secret"));
  t.is(swapped.status, 401);
  t.deepEqual(await receiptsFor(payment.txRef), []);
});

test("chapa-signature alone (the HMAC of the secret, the same on every delivery) → 401 invalid_signature", async (t) => {
  const booking = await heldBooking(api);
  const payment = await startCheckout(api, booking);
  await completeCheckout(payment.checkoutUrl, "success");
  await allDelivered(payment.txRef);
  await db().query("delete from webhook_receipts where tx_ref = $1", [payment.txRef]);
  const { chapaSignature, signWebhookBody } = await import("../shared/payments/chapa/signature.js");
  const secret = "nexus-payment-tests-webhook-secret";
  const body = nestedBody(payment);
  const send = (headers: Record<string, string>) =>
    fetch(`${stack().app.url}/api/v1/webhooks/chapa`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
    });

  const onlySecret = await send({ "chapa-signature": chapaSignature(secret) });
  t.is(onlySecret.status, 401);
  t.is(((await onlySecret.json()) as any).error.code, "invalid_signature");
  // A valid chapa-signature does not rescue a body signature that fails either.
  const badBody = await send({ "chapa-signature": chapaSignature(secret), "x-chapa-signature": "00".repeat(32) });
  t.is(badBody.status, 401);
  t.deepEqual(await receiptsFor(payment.txRef), []);
  // Both headers, as Chapa (and the sandbox) send them: accepted on the body's signature.
  const both = await send({
    "chapa-signature": chapaSignature(secret),
    "x-chapa-signature": signWebhookBody(body, secret),
  });
  t.is(both.status, 200);
  t.is((await receiptsFor(payment.txRef)).length, 1);
});

test("a webhook for an unknown tx_ref → 200, recorded, nothing else changes", async (t) => {
  const { rows: before } = await db().query("select count(*)::int as n from payments");
  const res = await postWebhook(
    stack().app.url,
    JSON.stringify({ event: "charge.success", tx_ref: "nx-not-ours", status: "success", amount: "10.00" }),
  );
  t.is(res.status, 200);
  t.like(res.body, { received: true, outcome: "unknown", duplicate: false });
  const receipts = await receiptsFor("nx-not-ours");
  t.is(receipts.length, 1);
  t.like(receipts[0], { outcome: "unknown", event: "charge.success" });
  const { rows: after } = await db().query("select count(*)::int as n from payments");
  t.is(after[0].n, before[0].n);

  const noRef = await postWebhook(stack().app.url, JSON.stringify({ event: "charge.success" }));
  t.is(noRef.status, 200);
  t.is(noRef.body.outcome, "ignored");
});

test("ten concurrent duplicate deliveries (and sandbox re-sends) → one confirmation, one set of events", async (t) => {
  const booking = await heldBooking(api);
  const payment = await startCheckout(api, booking);
  await completeCheckout(payment.checkoutUrl, "success");
  const body = nestedBody(payment);
  const resend = () =>
    fetch(`${stack().sandboxUrl}/__sandbox/transactions/${payment.txRef}/webhook`, {
      method: "POST",
      headers: sandboxControlHeaders(),
    });
  const [ours, resent] = await Promise.all([
    Promise.all(Array.from({ length: 10 }, () => postWebhook(stack().app.url, body))),
    Promise.all(Array.from({ length: 3 }, resend)),
  ]);
  t.true(ours.every((r) => r.status === 200));
  t.true(resent.every((r) => r.status === 202));
  await allDelivered(payment.txRef);

  t.is((await bookingRow(booking.id)).status, "confirmed");
  const confirmedBy = ours.filter((r) => !r.body.duplicate && r.body.outcome === "confirmed").length;
  t.true(confirmedBy <= 1);
  const events = await eventTypesFor(booking.id);
  t.is(countOf(events, "payment.updated"), 1);
  t.is(countOf(events, "booking.updated"), 1);
  const effects = (await sideEffectsFor(booking.id, payment.id)).filter((e) => e.includes("booking_confirmed"));
  t.is(effects.length, 2);
  // Two distinct bodies (ours, the sandbox's): each recorded once, however often it came.
  const receipts = await receiptsFor(payment.txRef);
  t.is(receipts.length, 2);
  t.true(receipts.every((r) => r.processed_at !== null));
});

test("the return redirect racing the webhook and the callback confirms once and redirects to the app", async (t) => {
  const booking = await heldBooking(api);
  const payment = await startCheckout(api, booking);
  await completeCheckout(payment.checkoutUrl, "success"); // the sandbox's webhook is on its way
  const [back, webhook, callback] = await Promise.all([
    api.get(`/api/v1/payments/return?tx_ref=${payment.txRef}`),
    postWebhook(stack().app.url, nestedBody(payment)),
    api.get(`/api/v1/payments/callback?trx_ref=${payment.txRef}&status=success`),
  ]);
  t.is(back.status, 302);
  t.is(back.headers.get("location"), `${PUBLIC_URL}/?payment=succeeded&booking=${booking.id}`);
  t.is(webhook.status, 200);
  t.is(callback.status, 200);
  await allDelivered(payment.txRef);

  t.is((await bookingRow(booking.id)).status, "confirmed");
  const events = await eventTypesFor(booking.id);
  t.is(countOf(events, "payment.updated"), 1);
  t.is(countOf(events, "booking.updated"), 1);
});

test("amount mismatch (stored amount tampered) → never confirmed, logged at error level with both amounts", async (t) => {
  const booking = await heldBooking(api);
  const payment = await startCheckout(api, booking);
  await db().query("update payments set amount = amount + 100 where tx_ref = $1", [payment.txRef]);
  const errors: unknown[][] = [];
  const original = logger.error;
  logger.error = function (this: typeof logger, ...args: unknown[]) {
    errors.push(args);
    return (original as (...a: unknown[]) => void).apply(this, args);
  } as typeof logger.error;
  try {
    await completeCheckout(payment.checkoutUrl, "success");
    await allDelivered(payment.txRef);
  } finally {
    logger.error = original;
  }

  t.is((await paymentRow(payment.txRef)).status, "pending");
  t.is((await bookingRow(booking.id)).status, "pending_payment");
  t.is(countOf(await eventTypesFor(booking.id), "payment.updated"), 0);
  t.like((await receiptsFor(payment.txRef))[0], { outcome: "mismatch" });
  const logged = errors.find(([fields]) => (fields as { txRef?: string }).txRef === payment.txRef);
  t.truthy(logged);
  t.like(logged![0] as object, {
    fields: ["amount"],
    expected: { amount: payment.amount + 100 },
    received: { amount: payment.amount },
  });
});

test("our endpoint answering 5xx once (Chapa's verify down) → the sandbox retries → confirmed", async (t) => {
  const booking = await heldBooking(api);
  const payment = await startCheckout(api, booking);
  // Every attempt of the first verify (the client tries 4 times) fails; the next verify goes through.
  stack().front.failNext(`/v1/transaction/verify/${payment.txRef}`, 4, 503);
  await completeCheckout(payment.checkoutUrl, "success");
  const state = await allDelivered(payment.txRef);

  const attempts = state.webhooks[0].attempts;
  t.is(attempts[0].httpStatus, 502);
  t.is(attempts.at(-1)!.httpStatus, 200);
  t.is((await bookingRow(booking.id)).status, "confirmed");
  const receipts = await receiptsFor(payment.txRef);
  t.is(receipts.length, 1, "the retry carries the same bytes: one receipt");
  t.like(receipts[0], { outcome: "confirmed" });
  t.is(countOf(await eventTypesFor(booking.id), "payment.updated"), 1);
});
