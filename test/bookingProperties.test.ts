import "./helpers/env.js";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import test from "ava";
import fc from "fast-check";
import { initOrm, type Orm } from "../shared/db/orm.js";
import { BLOCKING_BOOKING_SQL } from "../shared/domain/bookings/availability.js";
import { expireHolds } from "../shared/domain/bookings/expireHolds.js";
import type { BookingStatus } from "../shared/domain/bookings/status.js";
import { transitionBooking } from "../shared/domain/bookings/transitionBooking.js";
import { inUnitOfWork as runCommand } from "../shared/domain/commands/unitOfWork.js";
import { invalidateSearchCache } from "../shared/domain/listings/searchCache.js";
import { createRedis } from "../shared/redis.js";
import { createGuest, createHost, createListing, day, db, type TestUser } from "./helpers/factories.js";
import { useApp } from "./helpers/useApp.js";

/**
 * Random sequences of create, cancel, lapse (a hold's time runs out), sweep (expireHolds), and
 * confirm on two listings, checked after every step against a model and against the database:
 * no two blocking bookings of a listing overlap, each answer is the one the model predicts, and
 * search with checkIn/checkOut agrees with the availability endpoint for a random window.
 */
const { api } = useApp();
let orm: Orm;
const redis = createRedis("booking-properties-test");
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
  | { kind: "cancel" | "lapse" | "confirm"; pick: number }
  | { kind: "sweep" };
interface Step {
  action: Action;
  /** The window search and availability are compared on after the step. */
  probe: { start: number; nights: number };
}

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
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constantFrom("cancel" as const, "lapse" as const, "confirm" as const),
      pick: fc.nat(),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "sweep" as const }) },
);
const stepArb: fc.Arbitrary<Step> = fc.record({ action: actionArb, probe: fc.record(window) });

interface ModelBooking {
  id: string;
  listing: 0 | 1;
  start: number;
  end: number;
  status: BookingStatus;
  /** Its hold time has run out (expires_at in the past) but no sweep has marked it yet. */
  lapsed: boolean;
  guest: TestUser;
}

const blocks = (b: ModelBooking) => b.status === "confirmed" || (b.status === "pending_payment" && !b.lapsed);
const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) =>
  a.start < b.end && b.start < a.end;

/** Runs one step against the app, checking the answer against the model, and updates the model. */
async function apply(action: Action, model: ModelBooking[], listingIds: string[]): Promise<void> {
  if (action.kind === "create") {
    const stay = { start: action.start, end: action.start + action.nights };
    const free = !model.some((b) => b.listing === action.listing && blocks(b) && overlaps(b, stay));
    const guest = await createGuest();
    const res = await api.post(
      "/api/v1/bookings",
      { listingId: listingIds[action.listing], checkIn: day(stay.start), checkOut: day(stay.end), guests: 1 },
      guest.auth,
    );
    assert.equal(res.status, free ? 201 : 409, `create ${JSON.stringify(action)}: ${JSON.stringify(res.body)}`);
    // Any attempt first marks the overlapping lapsed holds of that listing expired (they never block),
    // whether the dates then turn out free (201) or taken by a live booking (409).
    for (const b of model) if (b.listing === action.listing && b.lapsed && overlaps(b, stay)) expire(b);
    if (res.status === 201) {
      model.push({
        id: res.body.booking.id,
        listing: action.listing,
        ...stay,
        status: "pending_payment",
        lapsed: false,
        guest,
      });
    } else {
      assert.equal(res.body.error.code, "dates_unavailable");
    }
    return;
  }
  if (action.kind === "sweep") {
    const expected = model.filter((b) => b.lapsed).length;
    assert.equal(await runCommand(orm, (tx) => expireHolds(tx)), expected, "sweep count");
    for (const b of model) if (b.lapsed) expire(b);
    return;
  }
  if (!model.length) return;
  const b = model[action.pick % model.length];
  const live = b.status === "pending_payment" || b.status === "confirmed";
  if (action.kind === "cancel") {
    const res = await api.post(`/api/v1/bookings/${b.id}/cancel`, {}, b.guest.auth);
    assert.equal(res.status, live ? 200 : 409, `cancel a ${b.status} booking`);
    if (live) {
      b.status = "cancelled";
      b.lapsed = false;
    }
  } else if (action.kind === "lapse") {
    if (b.status !== "pending_payment" || b.lapsed) return;
    await db().query("update bookings set expires_at = now() - interval '1 second' where id = $1", [b.id]);
    b.lapsed = true;
    // Time moved for this hold only: do what the real clock does to cached searches it shaped.
    await invalidateSearchCache(redis);
  } else {
    const taken = model.some((o) => o !== b && o.listing === b.listing && blocks(o) && overlaps(o, b));
    const expected =
      b.status !== "pending_payment" ? "invalid_transition" : b.lapsed && taken ? "dates_unavailable" : "ok";
    const outcome = await runCommand(orm, (tx) => transitionBooking(tx, b.id, "confirmed")).then(
      () => "ok",
      (err) => err.code as string,
    );
    assert.equal(outcome, expected, `confirm a ${b.status}${b.lapsed ? " lapsed" : ""} booking`);
    if (outcome === "ok") {
      b.status = "confirmed";
      b.lapsed = false;
      await invalidateSearchCache(redis); // as the payments flow does after confirming
    }
  }
}

function expire(b: ModelBooking) {
  b.status = "expired";
  b.lapsed = false;
}

/** The invariants, read from the database and the HTTP API (assert throws: fast-check sees the failure). */
async function check(model: ModelBooking[], listingIds: string[], city: string, probe: Step["probe"]) {
  const { rows: clashes } = await db().query(
    `select count(*)::int as n from bookings b join bookings o
        on o.listing_id = b.listing_id and o.id < b.id
       and daterange(o.check_in, o.check_out, '[)') && daterange(b.check_in, b.check_out, '[)')
     where b.listing_id = any($1::uuid[]) and ${BLOCKING_BOOKING_SQL}
       and (o.status = 'confirmed' or (o.status = 'pending_payment' and o.expires_at > now()))`,
    [listingIds],
  );
  assert.equal(clashes[0].n, 0, "no two blocking bookings of a listing overlap");
  const { rows } = await db().query("select id, status from bookings where listing_id = any($1::uuid[])", [listingIds]);
  const statuses = Object.fromEntries(rows.map((r) => [r.id, r.status]));
  assert.deepEqual(statuses, Object.fromEntries(model.map((b) => [b.id, b.status])), "statuses match the model");

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
    const modelFree = !model.some(
      (b) => b.listing === i && blocks(b) && overlaps(b, { start: probe.start, end: probe.start + probe.nights }),
    );
    assert.equal(free, modelFree, `availability matches the model on listing ${i}`);
  }
}

test("random create/cancel/lapse/sweep/confirm sequences never double-book, and search agrees with availability", async (t) => {
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 12 }), async (steps) => {
      runs++;
      const city = `Propville ${randomUUID().slice(0, 8)}`;
      const listingIds = [(await createListing(host, { city })).id, (await createListing(host, { city })).id];
      const model: ModelBooking[] = [];
      // Lapsed holds of earlier runs would count in this run's sweeps.
      while ((await runCommand(orm, (tx) => expireHolds(tx))) > 0);
      for (const step of steps) {
        await apply(step.action, model, listingIds);
        await check(model, listingIds, city, step.probe);
      }
    }),
    {
      numRuns: 30,
      interruptAfterTimeLimit: 60_000,
      includeErrorInReport: true,
      seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31),
    },
  );
  t.true(runs >= 10, `only ${runs} runs in the time limit`);
});
