import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import test, { type ExecutionContext } from "ava";
import { createChapaSandbox, sandboxControlHeaders } from "../scripts/chapaSandbox/sandbox.js";
import {
  type ChapaClientOptions,
  ChapaError,
  type ChapaInitializeInput,
  createChapaClient,
  fromChapaAmount,
  newTxRef,
  toChapaAmount,
} from "../shared/payments/chapa/client.js";
import { verifyWebhookSignature } from "../shared/payments/chapa/signature.js";
import { eventually } from "./helpers/eventually.js";

const SECRET_KEY = "CHASECK_TEST-sandbox-test";
const WEBHOOK_SECRET = "sandbox-test-webhook-secret";

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

async function listenLocal(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Stands in for our web process: records webhooks (POST) and callbacks (GET); webhook answers are scripted. */
async function startReceiver(t: ExecutionContext, webhookStatus: (index: number) => number = () => 200) {
  const requests: Received[] = [];
  let webhookCount = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body, at: Date.now() });
      res.statusCode = req.method === "POST" ? webhookStatus(webhookCount++) : 200;
      res.end("ok");
    });
  });
  const url = await listenLocal(server);
  t.teardown(() => closeServer(server));
  return {
    url,
    webhooks: () => requests.filter((r) => r.method === "POST"),
    callbacks: () => requests.filter((r) => r.method === "GET"),
  };
}

async function setup(
  t: ExecutionContext,
  options: { webhookStatus?: (i: number) => number; maxRetries?: number } = {},
) {
  const receiver = await startReceiver(t, options.webhookStatus);
  const sandbox = createChapaSandbox({
    secretKey: SECRET_KEY,
    webhookSecret: WEBHOOK_SECRET,
    webhookUrl: `${receiver.url}/webhook`,
    retryIntervalMs: 100,
    maxRetries: options.maxRetries ?? 3,
  });
  const url = await sandbox.listen(0);
  t.teardown(() => sandbox.close());
  const client = createChapaClient({ baseUrl: `${url}/v1`, secretKey: SECRET_KEY, timeoutMs: 2000, retryBaseMs: 5 });
  const input = (overrides: Partial<ChapaInitializeInput> = {}): ChapaInitializeInput => ({
    amount: 12550,
    currency: "ETB",
    txRef: newTxRef(),
    email: "guest@example.com",
    firstName: "Abebe",
    lastName: "Bikila",
    callbackUrl: `${receiver.url}/callback`,
    returnUrl: `${receiver.url}/return?from=chapa`,
    title: "Nexus stay",
    ...overrides,
  });
  const state = async (txRef: string) =>
    (await fetch(`${url}/__sandbox/transactions/${txRef}`, { headers: sandboxControlHeaders() })).json();
  return { sandbox, url, client, receiver, input, state };
}

async function complete(checkoutUrl: string, outcome: "success" | "failed") {
  return fetch(`${checkoutUrl}/complete`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ outcome }),
  });
}

/** Polls faster than the default: the sandbox answers in milliseconds. */
const waitFor = <T>(probe: () => T | Promise<T>, what: string) =>
  eventually(probe, what, { timeoutMs: 3000, intervalMs: 10 });

test("amounts convert between minor units and Chapa's decimals without float error", (t) => {
  t.is(toChapaAmount(12550), "125.50");
  t.is(toChapaAmount(7), "0.07");
  t.is(fromChapaAmount("125.50"), 12550);
  t.is(fromChapaAmount(125.5), 12550);
  t.is(fromChapaAmount(0.29), 29);
  t.throws(() => fromChapaAmount("1.005"), { instanceOf: RangeError });
});

test("initialize → checkout page with Pay and Fail → pay → verify reports success, amount, currency, test mode", async (t) => {
  const { client, input } = await setup(t);
  const payment = input();
  const { checkoutUrl } = await client.initialize(payment);

  const page = await fetch(checkoutUrl);
  const html = await page.text();
  t.is(page.status, 200);
  t.regex(page.headers.get("content-type") ?? "", /text\/html/);
  t.regex(html, /<button[^>]*value="success"[^>]*>Pay<\/button>/);
  t.regex(html, /<button[^>]*value="failed"[^>]*>Fail<\/button>/);
  t.true(html.includes("125.50 ETB") && html.includes("Nexus stay"));
  t.false(/https?:\/\/(?!127\.0\.0\.1)/.test(html), "no external assets");

  t.like(await client.verify(payment.txRef), { found: true, status: "pending" });
  const done = await complete(checkoutUrl, "success");
  t.deepEqual(await done.json(), { status: "success", return_url: payment.returnUrl });

  const verified = await client.verify(payment.txRef);
  t.like(verified, { found: true, status: "success", amount: 12550, currency: "ETB", mode: "test" });
  t.true(verified.found && verified.txRef === payment.txRef && /^AP\w{10}$/.test(verified.reference ?? ""));
});

test("the charge.success webhook is signed over its exact bytes; a tampered body fails verification", async (t) => {
  const { client, input, receiver, state } = await setup(t);
  const payment = input();
  await complete((await client.initialize(payment)).checkoutUrl, "success");

  const [webhook] = await waitFor(() => receiver.webhooks().length === 1 && receiver.webhooks(), "one webhook");
  const body = JSON.parse(webhook.body);
  t.like(body, { event: "charge.success", tx_ref: payment.txRef, status: "success", amount: "125.50", mode: "test" });
  t.is(fromChapaAmount(body.amount), payment.amount);
  t.true(verifyWebhookSignature(webhook.body, webhook.headers, WEBHOOK_SECRET));
  t.true(verifyWebhookSignature(Buffer.from(webhook.body), webhook.headers, WEBHOOK_SECRET));
  t.false(verifyWebhookSignature(webhook.body.replace('"125.50"', '"1.00"'), webhook.headers, WEBHOOK_SECRET));
  t.false(verifyWebhookSignature(webhook.body, webhook.headers, "another-secret"));
  // The sandbox sends both headers, as Chapa does; chapa-signature alone proves nothing about the body.
  t.truthy(webhook.headers["chapa-signature"]);
  const onlySecretSignature = { "chapa-signature": webhook.headers["chapa-signature"] };
  t.false(verifyWebhookSignature(webhook.body, onlySecretSignature, WEBHOOK_SECRET));

  const recorded = await waitFor(async () => {
    const tx = await state(payment.txRef);
    return tx.webhooks[0]?.state === "delivered" && tx;
  }, "the webhook recorded as delivered");
  t.like(recorded.webhooks[0], { event: "charge.success", attempts: [{ attempt: 1, httpStatus: 200 }] });
});

test("the browser form redirects to return_url, and Chapa's callback GET carries trx_ref, ref_id and status", async (t) => {
  const { client, input, receiver } = await setup(t);
  const payment = input();
  const { checkoutUrl } = await client.initialize(payment);
  const posted = await fetch(`${checkoutUrl}/complete`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "outcome=success",
    redirect: "manual",
  });
  t.is(posted.status, 302);
  t.is(posted.headers.get("location"), payment.returnUrl);

  const [callback] = await waitFor(() => receiver.callbacks().length === 1 && receiver.callbacks(), "one callback");
  const query = new URL(callback.url, receiver.url).searchParams;
  const verified = await client.verify(payment.txRef);
  t.is(new URL(callback.url, receiver.url).pathname, "/callback");
  t.is(query.get("trx_ref"), payment.txRef);
  t.is(query.get("ref_id"), verified.found ? verified.reference : "");
  t.is(query.get("status"), "success");
});

test("reusing a tx_ref → 400 'Transaction reference has been used before' in Chapa's error body", async (t) => {
  const { client, input, url } = await setup(t);
  const payment = input();
  await client.initialize(payment);
  const error = await t.throwsAsync(client.initialize(payment), { instanceOf: ChapaError });
  t.is(error?.status, 400);
  t.is(error?.chapaMessage, "Transaction reference has been used before");
  t.deepEqual(error?.body, { message: "Transaction reference has been used before", status: "failed", data: null });

  const raw = await fetch(`${url}/v1/transaction/initialize`, {
    method: "POST",
    headers: { authorization: `Bearer ${SECRET_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({
      amount: "10",
      currency: "EUR",
      tx_ref: newTxRef(),
      email: "a@b.co",
      first_name: "A",
      last_name: "B",
    }),
  });
  t.is(raw.status, 400);
  t.deepEqual(await raw.json(), { message: "Invalid currency", status: "failed", data: null });
});

test("initialize validates required fields and the amount as a positive decimal string", async (t) => {
  const { url } = await setup(t);
  const base = {
    amount: "100.00",
    currency: "ETB",
    tx_ref: newTxRef(),
    email: "a@b.co",
    first_name: "A",
    last_name: "B",
  };
  const post = async (body: Record<string, unknown>) => {
    const response = await fetch(`${url}/v1/transaction/initialize`, {
      method: "POST",
      headers: { authorization: `Bearer ${SECRET_KEY}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };
  t.like(await post({ ...base, email: undefined }), { status: 400, body: { message: "The email field is required." } });
  for (const amount of ["0", "-5", "abc", "1.234", 100]) {
    t.like(await post({ ...base, amount }), { status: 400, body: { status: "failed", data: null } }, String(amount));
  }
  t.like(await post(base), { status: 200, body: { message: "Hosted Link", status: "success" } });
});

test("a wrong secret key → 401 with Chapa's body, and the client does not retry it", async (t) => {
  const { url, client, input } = await setup(t);
  const payment = input();
  await client.initialize(payment);
  let retried = 0;
  const intruder = createChapaClient({
    baseUrl: `${url}/v1`,
    secretKey: "CHASECK_TEST-wrong",
    timeoutMs: 2000,
    onRetry: () => retried++,
  });
  const error = await t.throwsAsync(intruder.verify(payment.txRef), { instanceOf: ChapaError });
  t.is(error?.status, 401);
  t.deepEqual(error?.body, { message: "Invalid API Key or User doesn't exist", status: "failed", data: null });
  t.is(retried, 0);
  const anonymous = await fetch(`${url}/v1/transaction/verify/${payment.txRef}`);
  t.is(anonymous.status, 401);
});

test("verify of an unknown tx_ref → a typed not-found, not an exception", async (t) => {
  const { client } = await setup(t);
  t.deepEqual(await client.verify("nx-never-initialized"), {
    found: false,
    txRef: "nx-never-initialized",
    message: "Invalid transaction or Transaction not found",
  });
});

test("receiver answers 500 first → the sandbox retries after the interval with the same signed bytes → delivered", async (t) => {
  const { client, input, receiver, state } = await setup(t, { webhookStatus: (i) => (i === 0 ? 500 : 200) });
  const payment = input();
  await complete((await client.initialize(payment)).checkoutUrl, "success");

  const [first, second] = await waitFor(() => receiver.webhooks().length === 2 && receiver.webhooks(), "two webhooks");
  t.true(second.at - first.at >= 90, `retried after ${second.at - first.at} ms`);
  t.is(second.body, first.body);
  t.is(second.headers["x-chapa-signature"], first.headers["x-chapa-signature"]);
  const tx = await waitFor(async () => {
    const current = await state(payment.txRef);
    return current.webhooks[0].state === "delivered" && current;
  }, "the webhook recorded as delivered");
  t.deepEqual(
    tx.webhooks[0].attempts.map((a: { httpStatus: number }) => a.httpStatus),
    [500, 200],
  );
});

test("a webhook that keeps failing stops after max retries, and close() clears pending retry timers", async (t) => {
  const gaveUp = await setup(t, { webhookStatus: () => 503, maxRetries: 2 });
  const payment = gaveUp.input();
  await complete((await gaveUp.client.initialize(payment)).checkoutUrl, "success");
  const tx = await waitFor(async () => {
    const current = await gaveUp.state(payment.txRef);
    return current.webhooks[0].state === "gave_up" && current;
  }, "the sandbox to give up");
  t.is(tx.webhooks[0].attempts.length, 3);
  // Nothing observable marks "no further retry": wait 2.5 retry intervals (100 ms) for one.
  await sleep(250);
  t.is(gaveUp.receiver.webhooks().length, 3);

  const closing = await setup(t, { webhookStatus: () => 500, maxRetries: 50 });
  const other = closing.input();
  await complete((await closing.client.initialize(other)).checkoutUrl, "success");
  await waitFor(() => closing.receiver.webhooks().length >= 1, "a first webhook");
  await closing.sandbox.close();
  const sent = closing.receiver.webhooks().length;
  await sleep(300); // three retry intervals: a timer that close() left would have sent by now
  t.is(closing.receiver.webhooks().length, sent);
});

test("the Fail button → charge.failed webhook and verify says failed; completing again → 409", async (t) => {
  const { client, input, receiver } = await setup(t);
  const payment = input();
  const { checkoutUrl } = await client.initialize(payment);
  t.is((await complete(checkoutUrl, "failed")).status, 200);

  const [webhook] = await waitFor(() => receiver.webhooks().length === 1 && receiver.webhooks(), "one webhook");
  t.like(JSON.parse(webhook.body), { event: "charge.failed", status: "failed", tx_ref: payment.txRef });
  t.true(verifyWebhookSignature(webhook.body, webhook.headers, WEBHOOK_SECRET));
  t.like(await client.verify(payment.txRef), { found: true, status: "failed" });

  const again = await complete(checkoutUrl, "success");
  t.is(again.status, 409);
  t.like(await again.json(), { status: "failed", data: null });
  t.like(await client.verify(payment.txRef), { status: "failed" });
});

test("refund of a paid charge → charge.refunded webhook, verify says refunded, a second refund is refused", async (t) => {
  const { client, input, receiver, state } = await setup(t);
  const pending = input();
  await client.initialize(pending);
  const notPaid = await t.throwsAsync(client.refund(pending.txRef, { reason: "guest cancelled" }));
  t.like(notPaid, { status: 400, chapaMessage: "Only successful transactions can be refunded" });

  const payment = input();
  await complete((await client.initialize(payment)).checkoutUrl, "success");
  await waitFor(() => receiver.webhooks().length === 1, "the charge.success webhook");
  const refund = await client.refund(payment.txRef, { reason: "paid after hold expired", reference: "rf-1" });
  // Chapa's documented refund response.
  t.like(refund, {
    message: "Refund initiated successfully. Processing time: 1-3 business days",
    data: {
      amount: "125.50",
      currency: "ETB",
      status: "Refund Initiated",
      merchant_reference: "rf-1",
      reason: "paid after hold expired",
    },
  });
  t.is(typeof refund.data?.id, "number");
  t.is(typeof refund.data?.ref, "string");
  t.is(typeof refund.data?.chapa_reference, "string");

  const [, refunded] = await waitFor(() => receiver.webhooks().length === 2 && receiver.webhooks(), "two webhooks");
  t.like(JSON.parse(refunded.body), { event: "charge.refunded", status: "refunded", tx_ref: payment.txRef });
  t.true(verifyWebhookSignature(refunded.body, refunded.headers, WEBHOOK_SECRET));
  t.like(await client.verify(payment.txRef), { found: true, status: "refunded", amount: 12550 });
  t.like(await state(payment.txRef), {
    refund: { reason: "paid after hold expired", merchantReference: "rf-1", amount: "125.50" },
  });

  const twice = await t.throwsAsync(client.refund(payment.txRef, { reason: "again" }), { instanceOf: ChapaError });
  t.like(twice, { status: 400, chapaMessage: "Transaction has already been refunded" });
  const unknown = await t.throwsAsync(client.refund("nx-unknown", { reason: "x" }), { instanceOf: ChapaError });
  t.is(unknown?.status, 404);
});

test("partial refunds: each sends charge.refunded; more than remains is refused; refunded once nothing remains", async (t) => {
  const { client, input, receiver, state } = await setup(t);
  const payment = input();
  await complete((await client.initialize(payment)).checkoutUrl, "success");
  await waitFor(() => receiver.webhooks().length === 1, "the charge.success webhook");

  const part = await client.refund(payment.txRef, { reason: "policy share", amount: 6_275 });
  t.like(part.data, { amount: "62.75", status: "Refund Initiated" });
  t.like(await client.verify(payment.txRef), { status: "success" }, "still a success: part of it is kept");
  const [, first] = await waitFor(() => receiver.webhooks().length === 2 && receiver.webhooks(), "charge.refunded");
  t.like(JSON.parse(first.body), { event: "charge.refunded", refund_amount: "62.75" });

  const tooMuch = await t.throwsAsync(client.refund(payment.txRef, { reason: "again", amount: 6_276 }), {
    instanceOf: ChapaError,
  });
  t.like(tooMuch, { status: 400, chapaMessage: "The refund amount must not exceed the amount left to refund" });
  await client.refund(payment.txRef, { reason: "the rest", amount: 6_275 });
  t.like(await client.verify(payment.txRef), { status: "refunded" });
  t.is((await state(payment.txRef)).refunds.length, 2);
});

test("drop mode: a completed payment sends no webhook until it is re-sent through the control surface", async (t) => {
  const { url, client, input, receiver, state } = await setup(t);
  const drop = (enabled: boolean) =>
    fetch(`${url}/__sandbox/webhooks/drop`, {
      method: "POST",
      headers: sandboxControlHeaders(),
      body: JSON.stringify({ enabled }),
    });
  t.is((await drop(true)).status, 200);
  const payment = input();
  await complete((await client.initialize(payment)).checkoutUrl, "success");
  // The sandbox records its decision: once the webhook is marked dropped, it would have been sent.
  await waitFor(async () => (await state(payment.txRef)).webhooks?.[0]?.state === "dropped", "the webhook dropped");
  t.is(receiver.webhooks().length, 0);
  t.like(await state(payment.txRef), { status: "success", webhooks: [{ event: "charge.success", state: "dropped" }] });

  const resent = await fetch(`${url}/__sandbox/transactions/${payment.txRef}/webhook`, {
    method: "POST",
    headers: sandboxControlHeaders(),
  });
  t.is(resent.status, 202);
  const [webhook] = await waitFor(() => receiver.webhooks().length === 1 && receiver.webhooks(), "one webhook");
  t.like(JSON.parse(webhook.body), { event: "charge.success", tx_ref: payment.txRef });
  await drop(false);
});

test("faults control: initialize, verify and refund answer the injected status with Chapa's body, then recover", async (t) => {
  const { url, client, input, state } = await setup(t);
  const fault = (body: unknown) =>
    fetch(`${url}/__sandbox/faults`, {
      method: "POST",
      headers: sandboxControlHeaders(),
      body: JSON.stringify(body),
    });
  const paid = input();
  const { checkoutUrl } = await client.initialize(paid);
  await complete(checkoutUrl, "success");

  // Long enough for the three calls below on a loaded machine: the wait for its end costs no more than it lasts.
  t.is((await fault({ status: 500, seconds: 2 })).status, 200);
  t.like(await (await fetch(`${url}/__sandbox/health`, { headers: sandboxControlHeaders() })).json(), {
    fault: { status: 500 },
  });
  const noRetries = createChapaClient({ baseUrl: `${url}/v1`, secretKey: SECRET_KEY, timeoutMs: 2000, maxRetries: 0 });
  for (const call of [
    () => noRetries.initialize(input()),
    () => noRetries.verify(paid.txRef),
    () => noRetries.refund(paid.txRef, { reason: "test" }),
  ]) {
    const error = await t.throwsAsync(call(), { instanceOf: ChapaError });
    t.is(error?.status, 500);
    t.deepEqual(error?.body, { message: "Internal Server Error", status: "failed", data: null });
  }
  // The checkout page is the customer's side, not the API: it keeps working.
  t.is((await fetch(checkoutUrl)).status, 200);
  // Nothing changed while failing: the charge is still a success, not refunded.
  t.like(await state(paid.txRef), { status: "success", refund: null });

  await eventually(
    async () =>
      (await (await fetch(`${url}/__sandbox/health`, { headers: sandboxControlHeaders() })).json()).fault === null,
    "the 2 s fault to end by itself",
  );
  t.like(await client.verify(paid.txRef), { found: true, status: "success" });
  t.like(await (await fetch(`${url}/__sandbox/health`, { headers: sandboxControlHeaders() })).json(), { fault: null });

  // null ends a fault early; bad values are refused.
  await fault({ status: 503, seconds: 60 });
  t.is(
    (await fetch(`${url}/v1/transaction/verify/${paid.txRef}`, { headers: { authorization: `Bearer ${SECRET_KEY}` } }))
      .status,
    503,
  );
  t.is((await fault({ status: null })).status, 200);
  t.like(await client.verify(paid.txRef), { found: true, status: "success" });
  t.is((await fault({ status: 200, seconds: 1 })).status, 400);
  t.is((await fault({ status: 500 })).status, 400);

  const { data } = (await (
    await fetch(`${url}/__sandbox/transactions`, { headers: sandboxControlHeaders() })
  ).json()) as {
    data: { txRef: string }[];
  };
  t.true(data.some((tx) => tx.txRef === paid.txRef));
});

function withoutSandbox(): ChapaInitializeInput {
  const callback = "http://127.0.0.1:9/callback";
  return {
    amount: 100,
    currency: "ETB",
    txRef: newTxRef(),
    email: "a@b.co",
    firstName: "A",
    lastName: "B",
    callbackUrl: callback,
    returnUrl: callback,
  };
}

/** A stand-in Chapa that misbehaves on scripted hits: "drop" kills the socket, "hang" never answers. */
async function startFlakyChapa(t: ExecutionContext, script: (hit: number) => number | "drop" | "hang") {
  let hits = 0;
  const server = createServer((req, res) => {
    const action = script(hits++);
    if (action === "drop") return req.socket.destroy();
    if (action === "hang") return;
    res.writeHead(action, { "content-type": "application/json" });
    const ok = action < 300;
    const data = { status: "success", amount: 100, currency: "USD", mode: "live", reference: "APx", tx_ref: "t" };
    res.end(JSON.stringify({ message: ok ? "Payment details" : "boom", status: ok ? "success" : "failed", data }));
  });
  const url = await listenLocal(server);
  t.teardown(() => closeServer(server));
  const client = (maxRetries = 3, onRetry?: ChapaClientOptions["onRetry"]) =>
    createChapaClient({ baseUrl: url, secretKey: SECRET_KEY, timeoutMs: 1500, maxRetries, retryBaseMs: 5, onRetry });
  return { client, hits: () => hits };
}

test("the client retries 5xx, dropped connections and timeouts with backoff, then succeeds", async (t) => {
  const steps: (number | "drop" | "hang")[] = [503, "drop", "hang"];
  const flaky = await startFlakyChapa(t, (hit) => steps[hit] ?? 200);
  const retries: { reason: string; delayMs: number }[] = [];
  const verified = await flaky.client(3, (retry) => retries.push(retry)).verify("t");
  t.like(verified, { found: true, status: "success", amount: 10000, currency: "USD", mode: "live" });
  t.is(flaky.hits(), 4);
  t.is(retries[0].reason, "HTTP 503");
  t.regex(retries[1].reason, /fetch failed/);
  t.regex(retries[2].reason, /TimeoutError/);
  // Backoff doubles per attempt (5, 10, 20 ms ceilings) with jitter in the upper half.
  t.true(retries.every((retry, i) => retry.delayMs >= 2.5 * 2 ** i && retry.delayMs <= 5 * 2 ** i));
});

test("the client never retries a 4xx, and gives up on a 5xx after maxRetries with the status", async (t) => {
  const rejecting = await startFlakyChapa(t, () => 400);
  const rejected = await t.throwsAsync(rejecting.client().verify("t"), { instanceOf: ChapaError });
  t.like(rejected, { status: 400, chapaMessage: "boom" });
  t.is(rejecting.hits(), 1);

  const down = await startFlakyChapa(t, () => 502);
  const exhausted = await t.throwsAsync(down.client(2).verify("t"), { instanceOf: ChapaError });
  t.is(exhausted?.status, 502);
  t.is(down.hits(), 3);

  let networkRetries = 0;
  const unreachable = createChapaClient({
    baseUrl: "http://127.0.0.1:9/v1",
    secretKey: SECRET_KEY,
    timeoutMs: 300,
    retryBaseMs: 5,
    onRetry: () => networkRetries++,
  });
  const network = await t.throwsAsync(unreachable.initialize(withoutSandbox()), { instanceOf: ChapaError });
  t.is(network?.status, null);
  t.is(networkRetries, 3);
});

test("the /__sandbox controls refuse a caller without the control token (401), and take a token of one's own", async (t) => {
  const sandbox = createChapaSandbox({ webhookUrl: null, controlToken: "our-own-control-token" });
  const url = await sandbox.listen(0);
  t.teardown(() => sandbox.close());
  const drop = (headers: Record<string, string>) =>
    fetch(`${url}/__sandbox/webhooks/drop`, { method: "POST", headers, body: JSON.stringify({ enabled: true }) });
  for (const headers of [
    { "content-type": "application/json" },
    sandboxControlHeaders(), // the published default is not this sandbox's token
    sandboxControlHeaders("our-own-control-token-but-longer"),
  ]) {
    t.is((await drop(headers)).status, 401);
    t.is((await fetch(`${url}/__sandbox/health`, { headers })).status, 401);
  }
  t.like(
    await (await fetch(`${url}/__sandbox/health`, { headers: sandboxControlHeaders("our-own-control-token") })).json(),
    {
      dropWebhooks: false,
    },
  );
  t.is((await drop(sandboxControlHeaders("our-own-control-token"))).status, 200);
  t.like(
    await (await fetch(`${url}/__sandbox/health`, { headers: sandboxControlHeaders("our-own-control-token") })).json(),
    {
      dropWebhooks: true,
    },
  );
});
