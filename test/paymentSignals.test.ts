import "./helpers/env.js";
import "./helpers/generousRateLimits.js";
import "./helpers/chapa.js";

import test from "ava";
import { config } from "../shared/config.js";
import { createRedis } from "../shared/redis.js";
import { startApp } from "./helpers/app.js";
import { completeCheckout, PUBLIC_URL, setWebhookDrop } from "./helpers/chapa.js";
import { apiClient } from "./helpers/http.js";
import {
  bookingRow,
  countOf,
  eventTypesFor,
  heldBooking,
  paymentRow,
  startCheckout,
  usePaymentsStack,
} from "./helpers/payments.js";

/**
 * Issue 12: the browser's return and Chapa's callback are unsigned, so anyone can send many. However
 * many arrive for one tx_ref, Chapa is asked once per CHAPA_VERIFY_DEDUPE_SECONDS (the front counts
 * the verifies that reach the sandbox). Serial: webhooks are dropped, so that only these signals verify.
 */
const { api, stack } = usePaymentsStack();
const redis = createRedis("test-verify-once");
test.after.always(() => redis.disconnect());

const verifies = (txRef: string) => stack().front.requests(`/v1/transaction/verify/${txRef}`);
const returnOf = (txRef: string) => `/api/v1/payments/return?tx_ref=${txRef}`;
const callbackOf = (txRef: string) => `/api/v1/payments/callback?trx_ref=${txRef}&status=success`;

// The sandbox is this file's own, so webhooks stay dropped until it closes.
test.serial.before(() => setWebhookDrop(stack().sandboxUrl, true));

test.serial("40 concurrent returns and callbacks for one paid tx_ref → one Chapa verify, confirmed once", async (t) => {
  const booking = await heldBooking(api);
  const payment = await startCheckout(api, booking);
  await completeCheckout(payment.checkoutUrl, "success");
  t.is(verifies(payment.txRef), 0, "no webhook verified it");

  const answers = await Promise.all(
    Array.from({ length: 40 }, (_, i) => api.get(i % 2 ? callbackOf(payment.txRef) : returnOf(payment.txRef))),
  );
  t.is(verifies(payment.txRef), 1, "one verify for all of them");
  for (const [i, answer] of answers.entries()) {
    if (i % 2) {
      t.is(answer.status, 200);
      t.deepEqual(answer.body, { received: true });
    } else {
      t.is(answer.status, 302);
      t.is(answer.headers.get("location"), `${PUBLIC_URL}/?payment=succeeded&booking=${booking.id}`);
    }
  }
  t.is((await paymentRow(payment.txRef)).status, "succeeded");
  t.is((await bookingRow(booking.id)).status, "confirmed");
  t.is(countOf(await eventTypesFor(booking.id), "payment.updated"), 1);
  // Settled: later signals cost no verify at all.
  await api.get(returnOf(payment.txRef));
  t.is(verifies(payment.txRef), 1);
});

test.serial("two web instances → one verify (a Redis key elects it); the other answers from storage", async (t) => {
  const other = await startApp();
  t.teardown(() => other.close());
  const otherApi = apiClient(other.url);
  const booking = await heldBooking(api);
  const payment = await startCheckout(api, booking);
  const pendingAt = `${PUBLIC_URL}/?payment=pending&booking=${booking.id}`;

  // Still pending at Chapa: this instance verifies; the other, with no flight of its own, finds the key.
  t.is((await api.get(returnOf(payment.txRef))).headers.get("location"), pendingAt);
  t.is(verifies(payment.txRef), 1);
  t.is((await otherApi.get(returnOf(payment.txRef))).headers.get("location"), pendingAt);
  t.is((await otherApi.get(callbackOf(payment.txRef))).status, 200);
  t.is(verifies(payment.txRef), 1, "the other instance did not verify");

  // Paid, the key expired (deleted here): a flood on both instances at once → one more verify.
  await completeCheckout(payment.checkoutUrl, "success");
  await redis.del(`${config.REDIS_KEY_PREFIX}chapa-verify:${payment.txRef}`);
  const answers = await Promise.all(
    Array.from({ length: 20 }, (_, i) => (i % 2 ? otherApi : api).get(returnOf(payment.txRef))),
  );
  t.is(verifies(payment.txRef), 2);
  for (const answer of answers) {
    t.is(answer.status, 302);
    // The elected verify's instance tells what it settled; the other may tell what was stored meanwhile.
    t.regex(answer.headers.get("location") ?? "", /\?payment=(succeeded|pending)&booking=/);
  }
  t.is((await bookingRow(booking.id)).status, "confirmed");
});

test.serial("a payment still pending at Chapa: repeated returns verify once until the key expires", async (t) => {
  const booking = await heldBooking(api);
  const payment = await startCheckout(api, booking);
  for (let i = 0; i < 5; i++) {
    const back = await api.get(returnOf(payment.txRef));
    t.is(back.headers.get("location"), `${PUBLIC_URL}/?payment=pending&booking=${booking.id}`);
    t.is((await api.get(callbackOf(payment.txRef))).status, 200);
  }
  t.is(verifies(payment.txRef), 1, "one verify per CHAPA_VERIFY_DEDUPE_SECONDS");
  const key = `${config.REDIS_KEY_PREFIX}chapa-verify:${payment.txRef}`;
  const ttl = await redis.ttl(key);
  t.true(ttl >= 1 && ttl <= config.CHAPA_VERIFY_DEDUPE_SECONDS, `ttl ${ttl}`);
  await redis.del(key); // what its expiry does
  await completeCheckout(payment.checkoutUrl, "success");
  const back = await api.get(returnOf(payment.txRef));
  t.is(verifies(payment.txRef), 2);
  t.is(back.headers.get("location"), `${PUBLIC_URL}/?payment=succeeded&booking=${booking.id}`);
});

test.serial(
  "Chapa failing: a flood of returns and callbacks costs one request to Chapa, then answers from storage",
  async (t) => {
    const booking = await heldBooking(api);
    const payment = await startCheckout(api, booking);
    await completeCheckout(payment.checkoutUrl, "success");
    stack().front.failNext(`/v1/transaction/verify/${payment.txRef}`, 10, 503);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => api.get(i % 2 ? callbackOf(payment.txRef) : returnOf(payment.txRef))),
    );
    t.is(verifies(payment.txRef), 1, "no retries for unsigned signals, and one verify for all");
    for (const [i, answer] of answers.entries()) {
      // A callback that shared the failed verify says Chapa could not be asked; one after it, within the
      // dedupe window, is answered from storage.
      if (i % 2) t.true([502, 200].includes(answer.status), String(answer.status));
      else t.is(answer.headers.get("location"), `${PUBLIC_URL}/?payment=pending&booking=${booking.id}`);
    }
    stack().front.heal();
  },
);
