import "./helpers/env.js";
import Router from "@koa/router";
import test from "ava";
import { requireUser } from "../server/middlewares/auth.js";
import { idempotent } from "../server/middlewares/idempotency.js";
import { initOrm, type Orm } from "../shared/db/orm.js";
import { requestHash } from "../shared/domain/idempotency/keys.js";
import { rateLimited } from "../shared/errors.js";
import { type RunningApp, startApp } from "./helpers/app.js";
import { closeFactories, createGuest, createHost, createListing, day, db, type TestUser } from "./helpers/factories.js";
import { apiClient } from "./helpers/http.js";

let app: RunningApp;
let api: ReturnType<typeof apiClient>;
let host: TestUser;
let listingId: string;
let nextDay = 1;
let orm: Orm;
/** Calls per outcome of the flaky test route; a request whose key is replayed does not count. */
const calls: Record<string, number> = {};

/** A route that fails the first time it runs (with a 500 or a 429), then answers 201. */
function flakyRoutes(): Router {
  const router = new Router();
  router.post("/__test/flaky/:failWith", requireUser, idempotent("test.flaky", { orm }), (ctx) => {
    calls[ctx.params.failWith] = (calls[ctx.params.failWith] ?? 0) + 1;
    const n = calls[ctx.params.failWith];
    if (n === 1 && ctx.params.failWith === "500") throw new Error("a bug the first time");
    if (n === 1 && ctx.params.failWith === "429") throw rateLimited(1);
    ctx.status = 201;
    ctx.body = { run: n };
  });
  return router;
}

test.serial.before(async () => {
  orm = await initOrm();
  app = await startApp({ extraRoutes: flakyRoutes() });
  api = apiClient(app.url);
  host = await createHost();
  listingId = (await createListing(host)).id;
});
test.after.always(async () => {
  await app?.close();
  await orm?.close();
  await closeFactories();
});

function freshStay() {
  const checkIn = day(nextDay);
  nextDay += 2;
  return { listingId, checkIn, checkOut: day(nextDay - 1), guests: 1 };
}

const post = (guest: TestUser, body: unknown, key?: string) =>
  api.post("/api/v1/bookings", body, key === undefined ? guest.auth : { ...guest.auth, "Idempotency-Key": key });

async function bookingsOf(guest: TestUser): Promise<number> {
  const { rows } = await db().query("select count(*)::int as n from bookings where guest_id = $1", [guest.id]);
  return rows[0].n;
}

test("the same key and body replay the first response: same status and body, Idempotent-Replayed", async (t) => {
  const guest = await createGuest();
  const stay = freshStay();
  const first = await post(guest, stay, "key-1");
  t.is(first.status, 201);
  t.is(first.headers.get("idempotent-replayed"), null);
  // Same body with its members in another order: the same request.
  const again = await post(
    guest,
    { guests: stay.guests, checkOut: stay.checkOut, checkIn: stay.checkIn, listingId },
    "key-1",
  );
  t.is(again.status, 201);
  t.deepEqual(again.body, first.body);
  t.is(again.headers.get("idempotent-replayed"), "true");
  t.is(await bookingsOf(guest), 1);
});

test("the same key with another body is 409 idempotency_conflict", async (t) => {
  const guest = await createGuest();
  t.is((await post(guest, freshStay(), "key-2")).status, 201);
  const other = await post(guest, freshStay(), "key-2");
  t.is(other.status, 409);
  t.is(other.body.error.code, "idempotency_conflict");
  t.is(await bookingsOf(guest), 1);
});

test("keys are per user: another user's identical key runs their own request", async (t) => {
  const [a, b] = await Promise.all([createGuest(), createGuest()]);
  t.is((await post(a, freshStay(), "shared-key")).status, 201);
  const res = await post(b, freshStay(), "shared-key");
  t.is(res.status, 201);
  t.is(res.headers.get("idempotent-replayed"), null);
});

test("a 4xx answer is stored and replayed too; without a key every request runs", async (t) => {
  const guest = await createGuest();
  const stay = freshStay();
  t.is((await post(await createGuest(), stay)).status, 201);
  const taken = await post(guest, stay, "key-409");
  t.is(taken.status, 409);
  t.is(taken.body.error.code, "dates_unavailable");
  const replay = await post(guest, stay, "key-409");
  t.is(replay.status, 409);
  t.deepEqual(replay.body, taken.body);
  t.is(replay.headers.get("idempotent-replayed"), "true");

  const invalid = await post(guest, { ...stay, guests: 0 }, "key-400");
  t.is(invalid.status, 400);
  t.deepEqual((await post(guest, { ...stay, guests: 0 }, "key-400")).body, invalid.body);

  const free = freshStay();
  t.is((await post(guest, free)).status, 201);
  t.is((await post(guest, free)).status, 409, "no key, no replay: the second request really ran");
});

test("concurrent duplicates with one key make exactly one booking; all get its response", async (t) => {
  const guest = await createGuest();
  const stay = freshStay();
  const results = await Promise.all(Array.from({ length: 8 }, () => post(guest, stay, "key-concurrent")));
  t.is(await bookingsOf(guest), 1);
  const ids = new Set(results.filter((r) => r.status === 201).map((r) => r.body.booking.id));
  t.is(ids.size, 1);
  t.true(
    results.every((r) => r.status === 201 || r.body.error?.code === "idempotency_conflict"),
    JSON.stringify(results.map((r) => r.status)),
  );
  t.is(results.filter((r) => r.headers.get("idempotent-replayed") !== "true").length, 1, "one really ran");
});

test("a key longer than 255 characters is 400; 255 is fine", async (t) => {
  const guest = await createGuest();
  const long = await post(guest, freshStay(), "k".repeat(256));
  t.is(long.status, 400);
  t.is(long.body.error.code, "validation_failed");
  t.is(long.body.error.details[0].path, "Idempotency-Key");
  t.is((await post(guest, freshStay(), "k".repeat(255))).status, 201);
});

test("5xx and 429 answers are not stored: a retry with the same key runs again", async (t) => {
  const guest = await createGuest();
  for (const failWith of ["500", "429"]) {
    const headers = { ...guest.auth, "Idempotency-Key": `flaky-${failWith}` };
    const first = await api.post(`/__test/flaky/${failWith}`, { a: 1 }, headers);
    t.is(first.status, Number(failWith));
    const second = await api.post(`/__test/flaky/${failWith}`, { a: 1 }, headers);
    t.is(second.status, 201);
    t.deepEqual(second.body, { run: 2 });
    const third = await api.post(`/__test/flaky/${failWith}`, { a: 1 }, headers);
    t.deepEqual(third.body, { run: 2 }, "now stored");
    t.is(third.headers.get("idempotent-replayed"), "true");
  }
});

test("the path is part of the request: one key reused on another resource is a conflict", async (t) => {
  const guest = await createGuest();
  const headers = { ...guest.auth, "Idempotency-Key": "path-key" };
  t.is((await api.post("/__test/flaky/none-a", {}, headers)).status, 201);
  const other = await api.post("/__test/flaky/none-b", {}, headers);
  t.is(other.status, 409);
  t.is(other.body.error.code, "idempotency_conflict");
});

test("a claim left in progress by a request that died is taken over after a minute", async (t) => {
  const guest = await createGuest();
  const stay = freshStay();
  // A claim whose request crashed mid-way (no response stored), two minutes ago.
  await db().query(
    `insert into idempotency_keys (user_id, scope, key, request_hash, created_at)
     values ($1, 'bookings.create', 'key-stale', 'x', now() - interval '2 minutes')`,
    [guest.id],
  );
  const conflict = await post(guest, stay, "key-stale");
  t.is(conflict.status, 409, "another body's claim, even an old one, is a conflict");
  await db().query("update idempotency_keys set request_hash = $2 where user_id = $1 and key = 'key-stale'", [
    guest.id,
    requestHash("POST", "/api/v1/bookings", stay),
  ]);
  const retried = await post(guest, stay, "key-stale");
  t.is(retried.status, 201, "a stale in-progress claim of the same request is taken over");
  t.is(await bookingsOf(guest), 1);
});
