import "./helpers/env.js";
import "./helpers/generousRateLimits.js";

import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import test from "ava";
import fc from "fast-check";
import { initOrm, type Orm } from "../shared/db/orm.js";
import { declineLapsedRequests } from "../shared/domain/bookings/declineLapsedRequests.js";
import { expireHolds } from "../shared/domain/bookings/expireHolds.js";
import type { BookingStatus } from "../shared/domain/bookings/status.js";
import { inUnitOfWork as runCommand } from "../shared/domain/commands/unitOfWork.js";
import { invalidateAllSearches } from "../shared/domain/listings/searchCache.js";
import { createRedis } from "../shared/redis.js";
import { createGuest, createHost, createListing, day, db, type TestUser } from "./helpers/factories.js";
import { useApp } from "./helpers/useApp.js";

/**
 * Random sequences of create (on an instant listing and on a request-mode one), accept, decline,
 * lapse (a hold's or request's deadline passes) and sweep (both sweeps), checked after every step
 * against a model and against the database: no two blocking bookings of a listing overlap, every
 * answer is the one the model predicts, and search agrees with availability for a random window.
 * (Its own file: other files' sweeps would decline this file's lapsed requests behind the model's back.)
 */
const { api } = useApp();
let orm: Orm;
const redis = createRedis("request-properties-test");
let host: TestUser;

test.serial.before(async () => {
  orm = await initOrm();
  host = await createHost();
});
test.after.always(async () => {
  await orm?.close();
  redis.disconnect();
});

const HORIZON = 14;
type Action =
  | { kind: "create"; listing: 0 | 1; start: number; nights: number }
  | { kind: "accept" | "decline" | "lapse"; pick: number }
  | { kind: "sweep" };

const window = { start: fc.integer({ min: 1, max: HORIZON }), nights: fc.integer({ min: 1, max: 4 }) };
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("create" as const),
      listing: fc.constantFrom(0 as const, 1 as const),
      ...window,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constantFrom("accept" as const, "decline" as const, "lapse" as const),
      pick: fc.nat(),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "sweep" as const }) },
);
const stepArb = fc.record({ action: actionArb, probe: fc.record(window) });

interface ModelBooking {
  id: string;
  listing: 0 | 1;
  start: number;
  end: number;
  status: BookingStatus;
  /** Its deadline (payment or approval) has passed, but nothing has marked it yet. */
  lapsed: boolean;
}

const waiting = (b: ModelBooking) => b.status === "pending_payment" || b.status === "pending_approval";
const blocks = (b: ModelBooking) => b.status === "confirmed" || (waiting(b) && !b.lapsed);
const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) =>
  a.start < b.end && b.start < a.end;
/** What marking a lapsed booking does: a hold expires, a request is declined. */
function settle(b: ModelBooking) {
  b.status = b.status === "pending_payment" ? "expired" : "declined";
  b.lapsed = false;
}

async function apply(action: Action, model: ModelBooking[], listingIds: string[]): Promise<void> {
  if (action.kind === "create") {
    const stay = { start: action.start, end: action.start + action.nights };
    const free = !model.some((b) => b.listing === action.listing && blocks(b) && overlaps(b, stay));
    const res = await api.post(
      "/api/v1/bookings",
      { listingId: listingIds[action.listing], checkIn: day(stay.start), checkOut: day(stay.end), guests: 1 },
      (await createGuest()).auth,
    );
    assert.equal(res.status, free ? 201 : 409, `create ${JSON.stringify(action)}: ${JSON.stringify(res.body)}`);
    // Lapsed holds and requests in the way are marked first, whatever the answer.
    for (const b of model) if (b.listing === action.listing && b.lapsed && overlaps(b, stay)) settle(b);
    if (res.status === 201) {
      const status = action.listing === 1 ? "pending_approval" : "pending_payment";
      assert.equal(res.body.booking.status, status);
      model.push({ id: res.body.booking.id, listing: action.listing, ...stay, status, lapsed: false });
    } else {
      assert.equal(res.body.error.code, "dates_unavailable");
    }
    return;
  }
  if (action.kind === "sweep") {
    const holds = model.filter((b) => b.lapsed && b.status === "pending_payment").length;
    const requests = model.filter((b) => b.lapsed && b.status === "pending_approval").length;
    assert.equal(await runCommand(orm, (tx) => expireHolds(tx)), holds, "holds expired");
    assert.equal(await runCommand(orm, (tx) => declineLapsedRequests(tx)), requests, "requests declined");
    for (const b of model) if (b.lapsed) settle(b);
    return;
  }
  if (!model.length) return;
  const b = model[action.pick % model.length];
  if (action.kind === "lapse") {
    if (!waiting(b) || b.lapsed) return;
    await db().query("update bookings set expires_at = now() - interval '1 second' where id = $1", [b.id]);
    b.lapsed = true;
    await invalidateAllSearches(redis); // time moved for this booking only, as the real clock would
    return;
  }
  const res = await api.post(`/api/v1/bookings/${b.id}/${action.kind}`, {}, host.auth);
  const request = b.status === "pending_approval";
  if (action.kind === "accept") {
    const ok = request && !b.lapsed;
    assert.equal(res.status, ok ? 200 : 409, `accept a ${b.status}${b.lapsed ? " lapsed" : ""} booking`);
    if (ok) b.status = "pending_payment";
    else if (request) settle(b); // past its deadline: declined by the accept itself
  } else {
    assert.equal(res.status, request ? 200 : 409, `decline a ${b.status} booking`);
    if (request) {
      b.status = "declined";
      b.lapsed = false;
    }
  }
  if (res.status === 409) assert.equal(res.body.error.code, "invalid_transition");
}

async function check(
  model: ModelBooking[],
  listingIds: string[],
  city: string,
  probe: { start: number; nights: number },
) {
  const { rows: clashes } = await db().query(
    `select count(*)::int as n from bookings b join bookings o
        on o.listing_id = b.listing_id and o.id < b.id
       and daterange(o.check_in, o.check_out, '[)') && daterange(b.check_in, b.check_out, '[)')
     where b.listing_id = any($1::uuid[]) and booking_blocks_dates(b.status, b.expires_at)
       and booking_blocks_dates(o.status, o.expires_at)`,
    [listingIds],
  );
  assert.equal(clashes[0].n, 0, "no two blocking bookings of a listing overlap");
  const { rows } = await db().query("select id, status from bookings where listing_id = any($1::uuid[])", [listingIds]);
  assert.deepEqual(
    Object.fromEntries(rows.map((r) => [r.id, r.status])),
    Object.fromEntries(model.map((b) => [b.id, b.status])),
    "statuses match the model",
  );
  const checkIn = day(probe.start);
  const checkOut = day(probe.start + probe.nights);
  const search = await api.get(
    `/api/v1/listings?city=${encodeURIComponent(city)}&checkIn=${checkIn}&checkOut=${checkOut}`,
  );
  assert.equal(search.status, 200);
  const found = new Set(search.body.data.map((l: { id: string }) => l.id));
  for (const [i, id] of listingIds.entries()) {
    const availability = await api.get(`/api/v1/listings/${id}/availability?from=${checkIn}&to=${checkOut}`);
    assert.equal(availability.status, 200);
    const free = availability.body.blocked.length === 0;
    assert.equal(found.has(id), free, `search and availability agree on listing ${i} for ${checkIn}..${checkOut}`);
    const stay = { start: probe.start, end: probe.start + probe.nights };
    assert.equal(free, !model.some((b) => b.listing === i && blocks(b) && overlaps(b, stay)), `model, listing ${i}`);
  }
}

test("random requests, holds, accepts, declines and deadlines never double-book, and search agrees with availability", async (t) => {
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 12 }), async (steps) => {
      runs++;
      const city = `Reqville ${randomUUID().slice(0, 8)}`;
      const listingIds = [(await createListing(host, { city })).id, (await createListing(host, { city })).id];
      await db().query("update listings set booking_mode = 'request' where id = $1", [listingIds[1]]);
      const model: ModelBooking[] = [];
      // Lapsed bookings of earlier runs would count in this run's sweeps.
      while ((await runCommand(orm, (tx) => expireHolds(tx))) > 0);
      while ((await runCommand(orm, (tx) => declineLapsedRequests(tx))) > 0);
      for (const { action, probe } of steps) {
        await apply(action, model, listingIds);
        await check(model, listingIds, city, probe);
      }
    }),
    { numRuns: 25 },
  );
  t.log(`${runs} runs`);
  t.pass();
});
