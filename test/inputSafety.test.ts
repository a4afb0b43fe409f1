import "./helpers/env.js";
import "./helpers/generousRateLimits.js";
import "./helpers/chapa.js";

import { connect } from "node:net";
import { gzipSync } from "node:zlib";
import test from "ava";
import { postWebhook } from "./helpers/chapa.js";
import { createGuest, createHost, createListing, day, db } from "./helpers/factories.js";
import { heldBooking, usePaymentsStack } from "./helpers/payments.js";

/*
 * Issue 12, points 1 and 2, case by case: the text primitive at every door, and every other way a
 * request used to get a 500 or an answer outside API.md's JSON error shape.
 */
const { api, stack } = usePaymentsStack();
const json = { "content-type": "application/json" };
const register = (body: Record<string, unknown>) => api.post("/api/v1/auth/register", body);
const email = () => `safe-${Math.random().toString(36).slice(2, 10)}@example.test`;

function assertRefused(t: any, res: { status: number; body: any }, path: string, label: string) {
  t.is(res.status, 400, `${label}: ${JSON.stringify(res.body)}`);
  t.is(res.body.error.code, "validation_failed", label);
  t.true(
    res.body.error.details.some((d: { path: string }) => d.path === path),
    `${label}: ${JSON.stringify(res.body.error.details)}`,
  );
}

test("NUL and lone surrogates are 400 validation_failed wherever a string enters (was 500)", async (t) => {
  const guest = await createGuest();
  const booking = await heldBooking(api);
  for (const bad of ["a\u0000b", "Ada\ud800"]) {
    assertRefused(t, await register({ email: email(), password: `pass${bad}word`, name: "Ada" }), "password", bad);
    assertRefused(t, await register({ email: email(), password: "correct-horse-battery", name: bad }), "name", bad);
    assertRefused(t, await api.post("/api/v1/auth/login", { email: `x${bad}@x.test`, password: "p" }), "email", bad);
    const message = await api.post(`/api/v1/bookings/${booking.id}/messages`, { body: bad }, booking.guest.auth);
    assertRefused(t, message, "body", `message ${bad}`);
  }
  assertRefused(t, await api.get("/api/v1/payments/tx%00ref", guest.auth), "txRef", "GET /payments/:txRef");
  assertRefused(t, await api.get("/api/v1/payments/return?tx_ref=tx%00ref"), "tx_ref", "return");
  assertRefused(t, await api.get("/api/v1/payments/callback?trx_ref=tx%00ref"), "trx_ref", "callback");
  assertRefused(t, await api.get("/api/v1/listings?city=Addis%00", guest.auth), "city", "search");
});

test("single-line fields refuse line breaks, controls, bidi overrides and invisible-only values; they are trimmed", async (t) => {
  for (const name of [
    "Ada\r\nBcc: victim@example.test",
    "Ada\nLovelace",
    "Ada\tL",
    "\u202eadA",
    "\u200b",
    "\u3164",
    " \u2800 ",
  ]) {
    assertRefused(
      t,
      await register({ email: email(), password: "correct-horse-battery", name }),
      "name",
      JSON.stringify(name),
    );
  }
  const host = await createHost();
  const listing = {
    description: "Line one\nLine two",
    city: "Addis",
    country: "ET",
    pricePerNight: 100,
    currency: "ETB",
    maxGuests: 2,
  };
  assertRefused(
    t,
    await api.post("/api/v1/listings", { ...listing, title: "Nice\u2028flat" }, host.auth),
    "title",
    "title",
  );
  const created = await api.post("/api/v1/listings", { ...listing, title: "  Family 👨‍👩‍👧 flat  " }, host.auth);
  t.is(created.status, 201, "ZWJ inside an emoji sequence is text, not an invisible value");
  t.is(created.body.listing.title, "Family 👨‍👩‍👧 flat");
  t.is(created.body.listing.description, "Line one\nLine two", "multi-line fields keep their line breaks");
  const trimmed = await register({ email: email(), password: "correct-horse-battery", name: "  Ada Lovelace  " });
  t.is(trimmed.status, 201);
  t.is(trimmed.body.user.name, "Ada Lovelace");
});

test("multi-line text refuses controls other than tab and line breaks, and bidi overrides", async (t) => {
  const booking = await heldBooking(api);
  const post = (body: string) => api.post(`/api/v1/bookings/${booking.id}/messages`, { body }, booking.guest.auth);
  for (const body of ["ring \u0007", "esc \u001b[31m", "evil \u202e txt"])
    assertRefused(t, await post(body), "body", body);
  const ok = await post("Hello,\r\n\tsee you soon");
  t.is(ok.status, 201);
});

test("passwords are taken exactly as typed: spaces are kept, not trimmed", async (t) => {
  const address = email();
  t.is((await register({ email: address, password: "  spaced secret  ", name: "Sp" })).status, 201);
  t.is((await api.post("/api/v1/auth/login", { email: address, password: "  spaced secret  " })).status, 200);
  t.is((await api.post("/api/v1/auth/login", { email: address, password: "spaced secret" })).status, 401);
});

test("an Idempotency-Key that is not one line of text is 400 naming the header", async (t) => {
  const guest = await createGuest();
  const listing = await createListing(await createHost());
  const res = await api.post(
    "/api/v1/bookings",
    { listingId: listing.id, checkIn: day(5), checkOut: day(6), guests: 1 },
    { ...guest.auth, "idempotency-key": "key\twith-tab" },
  );
  assertRefused(t, res, "Idempotency-Key", "tab");
});

test("a validly signed webhook holding NUL is recorded jsonb-safe and answered 200, so Chapa stops retrying", async (t) => {
  const raw = '{"event":"charge.success","tx_ref":"tx\\u0000ref","note\\u0000":"a\\u0000b\\ud800"}';
  const res = await postWebhook(stack().app.url, raw);
  t.is(res.status, 200, JSON.stringify(res.body));
  t.is(res.body.outcome, "ignored", "a tx_ref holding NUL names no payment of ours");
  const { rows } = await db().query("select body, tx_ref from webhook_receipts order by id desc limit 1");
  t.is(rows[0].tx_ref, null);
  t.deepEqual(rows[0].body, { event: "charge.success", tx_ref: "tx\ufffdref", "note\ufffd": "a\ufffdb\ufffd" });
  t.is((await postWebhook(stack().app.url, raw)).body.duplicate, true, "the redelivery is recognised");
});

test("bodies: deep nesting (with an Idempotency-Key too) and non-object JSON are 400 validation_failed", async (t) => {
  const guest = await createGuest();
  const keyed = { ...guest.auth, ...json, "idempotency-key": "deep-1" };
  const deep = `{"listingId":${"[".repeat(20_000)}${"]".repeat(20_000)}}`;
  const res = await api.call("POST", "/api/v1/bookings", { raw: deep, headers: keyed });
  assertRefused(t, res, "(body)", "deep");
  const deepObject = `${'{"a":'.repeat(33)}1${"}".repeat(33)}`;
  assertRefused(t, await api.call("POST", "/api/v1/bookings", { raw: deepObject, headers: keyed }), "(body)", "33");
  for (const raw of ['"text"', "5", "null", "true", "[]"]) {
    assertRefused(t, await api.call("POST", "/api/v1/auth/login", { raw, headers: json }), "(body)", raw);
  }
  const broken = await api.call("POST", "/api/v1/auth/login", { raw: "{", headers: json });
  t.is(broken.body.error.code, "invalid_json", "malformed JSON stays invalid_json");
});

test("Content-Encoding: an unknown one is 415, a body that does not decompress is 400, a real gzip body is read", async (t) => {
  const send = (encoding: string, body: Buffer) =>
    fetch(`${stack().app.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { ...json, "content-encoding": encoding },
      body: body as unknown as BodyInit,
    }).then(async (r) => ({ status: r.status, body: await r.json() }));
  const login = Buffer.from(JSON.stringify({ email: "nobody@example.test", password: "whatever-pass" }));
  const unknown = await send("xyz", login);
  t.is(unknown.status, 415);
  t.is(unknown.body.error.code, "unsupported_media_type");
  for (const encoding of ["gzip", "deflate", "br"]) {
    const junk = await send(encoding, login);
    t.is(junk.status, 400, encoding);
    t.is(junk.body.error.code, "invalid_json", encoding);
  }
  const real = await send("gzip", gzipSync(login));
  t.is(real.status, 401, "decompressed and parsed: the login itself is refused");
  t.is(real.body.error.code, "invalid_credentials");
});

test('numbers are never coerced: upTo true, [5], "" or "5", and limit=, 1e1, 0x10 are 400', async (t) => {
  const guest = await createGuest();
  for (const upTo of [true, [5], "", "5", null]) {
    assertRefused(t, await api.post("/api/v1/notifications/read", { upTo }, guest.auth), "upTo", JSON.stringify(upTo));
  }
  for (const limit of ["", "1e1", "0x10", " 5", "true"]) {
    assertRefused(t, await api.get(`/api/v1/listings?limit=${encodeURIComponent(limit)}`), "limit", `limit=${limit}`);
    assertRefused(
      t,
      await api.get(`/api/v1/notifications?after=${encodeURIComponent(limit)}`, guest.auth),
      "after",
      limit,
    );
  }
  t.is((await api.get("/api/v1/listings?limit=5")).status, 200);
});

test("a known path with another method is 405 method_not_allowed with Allow; an unknown path stays 404", async (t) => {
  const put = await api.call("PUT", "/api/v1/listings", { body: {} });
  t.is(put.status, 405);
  t.is(put.body.error.code, "method_not_allowed");
  t.deepEqual(put.headers.get("allow")?.split(/,\s*/).sort(), ["GET", "HEAD", "POST"]);
  const onId = await api.call("POST", `/api/v1/listings/${crypto.randomUUID()}`, { body: {} });
  t.is(onId.status, 405);
  t.deepEqual(onId.headers.get("allow")?.split(/,\s*/).sort(), ["DELETE", "GET", "HEAD", "PATCH"]);
  const unknown = await api.call("PUT", "/api/v1/nothing-here", { body: {} });
  t.is(unknown.status, 404);
  t.is(unknown.body.error.code, "not_found");
});

test("a valid token of a deleted account is 401 unauthenticated on writes (was 500)", async (t) => {
  const host = await createHost();
  const guest = await createGuest();
  const listing = await createListing(host);
  await db().query("delete from users where id = any($1)", [[guest.id]]);
  const booking = await api.post(
    "/api/v1/bookings",
    { listingId: listing.id, checkIn: day(3), checkOut: day(4), guests: 1 },
    guest.auth,
  );
  t.is(booking.status, 401, JSON.stringify(booking.body));
  t.is(booking.body.error.code, "unauthenticated");
  t.is((await api.post("/api/v1/notifications/read", { upTo: 1 }, guest.auth)).status, 401);
  const lonely = await createHost();
  await db().query("delete from users where id = $1", [lonely.id]);
  const created = await api.post(
    "/api/v1/listings",
    { title: "T", description: "D", city: "C", country: "E", pricePerNight: 100, currency: "ETB", maxGuests: 1 },
    lonely.auth,
  );
  t.is(created.status, 401);
  t.is(created.body.error.code, "unauthenticated");
});

/** Sends raw bytes to the app's HTTP server and returns what comes back before it closes. */
function rawExchange(request: string | Buffer): Promise<{ status: number; headers: string; body: string }> {
  const { port } = new URL(stack().app.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), "127.0.0.1", () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on("data", (c) => chunks.push(c));
    socket.on("error", reject);
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const [head, ...rest] = text.split("\r\n\r\n");
      resolve({ status: Number(head.split(" ")[1]), headers: head, body: rest.join("\r\n\r\n") });
    });
  });
}

test("what Node refuses before the app (431, bad header bytes, CL+TE, a broken request line) has the JSON error shape", async (t) => {
  const cases: [string, string, number, string][] = [
    [
      "headers over the limit",
      `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
      431,
      "headers_too_large",
    ],
    ["a control byte in a header", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0001b\r\n\r\n", 400, "bad_request"],
    [
      "Content-Length with Transfer-Encoding",
      "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      400,
      "bad_request",
    ],
    ["a broken request line", "HELLO\r\n\r\n", 400, "bad_request"],
  ];
  for (const [label, request, status, code] of cases) {
    const res = await rawExchange(request);
    t.is(res.status, status, label);
    t.regex(res.headers, /content-type: application\/json/i, label);
    const body = JSON.parse(res.body);
    t.is(body.error.code, code, label);
    t.is(typeof body.error.message, "string", label);
    t.deepEqual(body.error.details, [], label);
  }
});
