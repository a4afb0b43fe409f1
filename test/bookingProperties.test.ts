import "./helpers/env.js";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import test from "ava";
import fc from "fast-check";
import { initOrm, type Orm } from "../shared/db/orm.js";
import { declineLapsedRequests } from "../shared/domain/bookings/declineLapsedRequests.js";
import { expireHolds } from "../shared/domain/bookings/expireHolds.js";
import type { BookingStatus } from "../shared/domain/bookings/status.js";
import { ACTIVE_BOOKING_STATUSES } from "../shared/domain/bookings/status.js";
import { transitionBooking } from "../shared/domain/bookings/transitionBooking.js";
import type { StayRange } from "../shared/domain/bookings/view.js";
import { inUnitOfWork as runCommand } from "../shared/domain/commands/unitOfWork.js";
import { invalidateAllSearches, invalidateSearches } from "../shared/domain/listings/searchCache.js";
import type { SearchChange } from "../shared/domain/listings/searchChanges.js";
import type { EventEnvelope } from "../shared/events/eventMap.js";
import { createRedis } from "../shared/redis.js";
import { eventually } from "./helpers/eventually.js";
import { createGuest, createHost, createListing, day, db, type TestUser } from "./helpers/factories.js";
import { connectSocket, type TestSocket } from "./helpers/sockets.js";
import { useApp } from "./helpers/useApp.js";

/**
 * Random sequences of operations on two listings, the first instant-book, the second request-to-book
 * (OPERATIONS below: create (a hold, or a request), cancel (or withdraw), lapse (a hold's or a
 * request's time runs out), sweep (expireHolds), confirm, accept and decline (the host answers a
 * request), deadline (the sweep declining requests past their deadline), block and unblock (the
 * host's calendar blocks)),
 * checked after every step against a model and against the database: no two active reservations or
 * blocks of a listing overlap, each answer is the one the model predicts, search with
 * checkIn/checkOut agrees with the availability endpoint for a random window, and the live
 * listing.availability feed agrees with availability.
 *
 * To add an operation: give it a kind in OPERATIONS (its weight, an arbitrary for its parameters,
 * and how it runs against the app and updates the model, asserting the answer the model predicts).
 */
const { api, app } = useApp();
let orm: Orm;
const redis = createRedis("booking-properties-test");
let host: TestUser;
let feed: TestSocket;

test.serial.before(async () => {
  orm = await initOrm();
  host = await createHost();
  feed = await connectSocket(app().url, host.token);
});
test.after.always(async () => {
  feed?.close();
  await orm?.close();
  redis.disconnect();
});

const HORIZON = 14;
type ListingIndex = 0 | 1;

interface ModelBooking {
  id: string;
  listing: ListingIndex;
  start: number;
  end: number;
  status: BookingStatus;
  /** Its hold time (or a request's approval deadline) has run out, but no sweep has marked it yet. */
  lapsed: boolean;
  guest: TestUser;
}
interface ModelBlock {
  id: string;
  listing: ListingIndex;
  start: number;
  end: number;
  deleted: boolean;
}
/** What one run knows: its listings, and the model of their bookings and blocks. */
interface World {
  listingIds: string[];
  bookings: ModelBooking[];
  blocks: ModelBlock[];
}
type Span = { start: number; end: number };

/** The second listing takes requests to book: a booking there starts pending_approval. */
const REQUEST_LISTING: ListingIndex = 1;
/** A booking whose dates nobody else can have right now (availability shows it). */
const holdsDates = (b: ModelBooking) =>
  b.status === "confirmed" || ((b.status === "pending_payment" || b.status === "pending_approval") && !b.lapsed);
const overlaps = (a: Span, b: Span) => a.start < b.end && b.start < a.end;
/** Nights of `span` on a listing taken by a live booking or a block (what availability shows). */
const taken = (w: World, listing: ListingIndex, span: Span, except?: ModelBooking) =>
  w.bookings.some((b) => b !== except && b.listing === listing && holdsDates(b) && overlaps(b, span)) ||
  w.blocks.some((k) => !k.deleted && k.listing === listing && overlaps(k, span));
const stayOf = (span: Span) => ({ checkIn: day(span.start), checkOut: day(span.end) });

/** A lapsed hold is marked expired; a lapsed request is declined (its deadline passed). */
function expire(b: ModelBooking) {
  b.status = b.status === "pending_approval" ? "declined" : "expired";
  b.lapsed = false;
}
/** Lapsed holds and requests of `listing` overlapping `span` ended (what createBooking and createBlock sweep first). */
function expireLapsedInTheWay(w: World, listing: ListingIndex, span: Span) {
  for (const b of w.bookings) if (b.listing === listing && b.lapsed && overlaps(b, span)) expire(b);
}

/** One kind of step: how often, its random parameters, and how it runs (asserting what the model predicts). */
interface Operation<A> {
  weight: number;
  arbitrary: fc.Arbitrary<A>;
  run(action: A, w: World): Promise<void>;
}
const operation = <A>(op: Operation<A>) => op as Operation<unknown>;

const spanArb = { start: fc.integer({ min: 1, max: HORIZON }), nights: fc.integer({ min: 1, max: 4 }) };
const placedSpanArb = fc.record({ listing: fc.constantFrom(0 as const, 1 as const), ...spanArb });
type PlacedSpan = { listing: ListingIndex; start: number; nights: number };
/** Picks one of `items` (null when there are none). */
const pickFrom = <T>(items: T[], pick: number): T | null => (items.length ? items[pick % items.length] : null);
const pickArb = fc.record({ pick: fc.nat() });

const OPERATIONS: Record<string, Operation<unknown>> = {
  create: operation<PlacedSpan>({
    weight: 4,
    arbitrary: placedSpanArb,
    async run(a, w) {
      const span = { start: a.start, end: a.start + a.nights };
      const free = !taken(w, a.listing, span);
      const guest = await createGuest();
      const res = await api.post(
        "/api/v1/bookings",
        { listingId: w.listingIds[a.listing], ...stayOf(span), guests: 1 },
        guest.auth,
      );
      assert.equal(res.status, free ? 201 : 409, `create ${JSON.stringify(a)}: ${JSON.stringify(res.body)}`);
      // Any attempt first marks the overlapping lapsed holds of that listing expired (they never block),
      // whether the dates then turn out free (201) or taken by a live booking or a block (409).
      expireLapsedInTheWay(w, a.listing, span);
      if (res.status === 201) {
        const status = a.listing === REQUEST_LISTING ? "pending_approval" : "pending_payment";
        assert.equal(res.body.booking.status, status);
        w.bookings.push({ id: res.body.booking.id, listing: a.listing, ...span, status, lapsed: false, guest });
      } else assert.equal(res.body.error.code, "dates_unavailable");
    },
  }),
  cancel: operation<{ pick: number }>({
    weight: 1,
    arbitrary: pickArb,
    async run({ pick }, w) {
      const b = pickFrom(w.bookings, pick);
      if (!b) return;
      // A request may be withdrawn, even once its deadline passed and before the sweep declined it.
      const live = b.status === "pending_payment" || b.status === "confirmed" || b.status === "pending_approval";
      const res = await api.post(`/api/v1/bookings/${b.id}/cancel`, {}, b.guest.auth);
      assert.equal(res.status, live ? 200 : 409, `cancel a ${b.status} booking: ${JSON.stringify(res.body)}`);
      if (live) {
        b.status = "cancelled";
        b.lapsed = false;
      }
    },
  }),
  lapse: operation<{ pick: number }>({
    weight: 1,
    arbitrary: pickArb,
    async run({ pick }, w) {
      const b = pickFrom(w.bookings, pick);
      if ((b?.status !== "pending_payment" && b?.status !== "pending_approval") || b.lapsed) return;
      await db().query("update bookings set expires_at = now() - interval '1 second' where id = $1", [b.id]);
      b.lapsed = true;
      // Time moved for this hold only: do what the real clock does to cached searches it shaped.
      await invalidateAllSearches(redis);
    },
  }),
  confirm: operation<{ pick: number }>({
    weight: 1,
    arbitrary: pickArb,
    async run({ pick }, w) {
      const b = pickFrom(w.bookings, pick);
      if (!b) return;
      const clash = taken(w, b.listing, b, b);
      const expected =
        b.status !== "pending_payment" ? "invalid_transition" : b.lapsed && clash ? "dates_unavailable" : "ok";
      const changes: SearchChange[] = [];
      const outcome = await runCommand(orm, (tx) => transitionBooking(tx, b.id, "confirmed"), changes).then(
        () => "ok",
        (err) => err.code as string,
      );
      assert.equal(outcome, expected, `confirm a ${b.status}${b.lapsed ? " lapsed" : ""} booking`);
      if (outcome === "ok") {
        b.status = "confirmed";
        b.lapsed = false;
        await invalidateSearches(redis, changes); // what execute() does with what the payments flow changed
      }
    },
  }),
  sweep: operation<Record<string, never>>({
    weight: 1,
    arbitrary: fc.constant({}),
    async run(_, w) {
      const lapsedHolds = w.bookings.filter((b) => b.lapsed && b.status === "pending_payment");
      assert.equal(await runCommand(orm, (tx) => expireHolds(tx)), lapsedHolds.length, "sweep count");
      for (const b of lapsedHolds) expire(b);
    },
  }),
  accept: operation<{ pick: number }>({
    weight: 1,
    arbitrary: pickArb,
    async run({ pick }, w) {
      const b = pickFrom(w.bookings, pick);
      if (!b) return;
      const res = await api.post(`/api/v1/bookings/${b.id}/accept`, {}, host.auth);
      if (b.status === "pending_approval" && !b.lapsed) {
        assert.equal(res.status, 200, `accept a request: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.booking.status, "pending_payment");
        b.status = "pending_payment"; // a fresh hold for the guest to pay
      } else {
        assert.equal(res.status, 409, `accept a ${b.status}${b.lapsed ? " lapsed" : ""} booking`);
        assert.equal(res.body.error.code, "invalid_transition");
        if (b.status === "pending_approval") expire(b); // past its deadline: declined by the accept itself
      }
    },
  }),
  decline: operation<{ pick: number }>({
    weight: 1,
    arbitrary: pickArb,
    async run({ pick }, w) {
      const b = pickFrom(w.bookings, pick);
      if (!b) return;
      const res = await api.post(`/api/v1/bookings/${b.id}/decline`, {}, host.auth);
      const pending = b.status === "pending_approval";
      assert.equal(res.status, pending ? 200 : 409, `decline a ${b.status} booking: ${JSON.stringify(res.body)}`);
      if (pending) {
        b.status = "declined";
        b.lapsed = false;
      }
    },
  }),
  deadline: operation<Record<string, never>>({
    weight: 1,
    arbitrary: fc.constant({}),
    async run(_, w) {
      const lapsedRequests = w.bookings.filter((b) => b.lapsed && b.status === "pending_approval");
      assert.equal(await runCommand(orm, (tx) => declineLapsedRequests(tx)), lapsedRequests.length, "deadline count");
      for (const b of lapsedRequests) expire(b);
    },
  }),
  block: operation<PlacedSpan>({
    weight: 2,
    arbitrary: placedSpanArb,
    async run(a, w) {
      const span = { start: a.start, end: a.start + a.nights };
      const free = !taken(w, a.listing, span);
      const res = await api.post(`/api/v1/listings/${w.listingIds[a.listing]}/blocks`, stayOf(span), host.auth);
      assert.equal(res.status, free ? 201 : 409, `block ${JSON.stringify(a)}: ${JSON.stringify(res.body)}`);
      if (res.status === 201) {
        // Lapsed holds in the way were expired first, in the block's transaction (undone with it on a 409).
        expireLapsedInTheWay(w, a.listing, span);
        w.blocks.push({ id: res.body.block.id, listing: a.listing, ...span, deleted: false });
      } else assert.equal(res.body.error.code, "dates_unavailable");
    },
  }),
  unblock: operation<{ pick: number }>({
    weight: 1,
    arbitrary: pickArb,
    async run({ pick }, w) {
      const k = pickFrom(w.blocks, pick);
      if (!k) return;
      const res = await api.delete(`/api/v1/listings/${w.listingIds[k.listing]}/blocks/${k.id}`, host.auth);
      assert.equal(res.status, k.deleted ? 404 : 204, `unblock a${k.deleted ? " deleted" : ""} block`);
      k.deleted = true;
    },
  }),
};

type Action = { kind: string; params: unknown };
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  ...Object.entries(OPERATIONS).map(([kind, op]) => ({
    weight: op.weight,
    arbitrary: op.arbitrary.map((params) => ({ kind, params })),
  })),
);
interface Step {
  action: Action;
  /** The window search and availability are compared on after the step. */
  probe: { start: number; nights: number };
}
const stepArb: fc.Arbitrary<Step> = fc.record({ action: actionArb, probe: fc.record(spanArb) });

const rangeKey = (r: StayRange) => `${r.checkIn}..${r.checkOut}`;

/** The invariants, read from the database, the HTTP API and the live feed (assert throws: fast-check sees the failure). */
async function check(w: World, city: string, probe: Step["probe"]) {
  const { listingIds } = w;
  // Whatever occupies nights (an active booking, or a block) never overlaps anything else that does,
  // read from the source tables (not from listing_occupancy, whose constraint is what is tested).
  const { rows: clashes } = await db().query(
    `with taken as (
       select id, listing_id, daterange(check_in, check_out, '[)') as during from bookings
        where listing_id = any($1::uuid[]) and status = any($2::text[])
       union all
       select id, listing_id, daterange(check_in, check_out, '[)') from listing_blocks where listing_id = any($1::uuid[]))
     select count(*)::int as n from taken a join taken b on a.listing_id = b.listing_id and a.id < b.id and a.during && b.during`,
    [listingIds, [...ACTIVE_BOOKING_STATUSES]],
  );
  assert.equal(clashes[0].n, 0, "no two active reservations or blocks of a listing overlap");
  const { rows } = await db().query("select id, status from bookings where listing_id = any($1::uuid[])", [listingIds]);
  const statuses = Object.fromEntries(rows.map((r) => [r.id, r.status]));
  assert.deepEqual(statuses, Object.fromEntries(w.bookings.map((b) => [b.id, b.status])), "statuses match the model");
  const { rows: blockRows } = await db().query("select id from listing_blocks where listing_id = any($1::uuid[])", [
    listingIds,
  ]);
  assert.deepEqual(
    blockRows.map((r) => r.id).sort(),
    w.blocks
      .filter((k) => !k.deleted)
      .map((k) => k.id)
      .sort(),
    "blocks match the model",
  );

  const probeSpan = { start: probe.start, end: probe.start + probe.nights };
  const { checkIn, checkOut } = stayOf(probeSpan);
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
    assert.equal(free, !taken(w, i as ListingIndex, probeSpan), `availability matches the model on listing ${i}`);
    await checkFeed(w, i as ListingIndex);
  }
}

/**
 * The listing's last listing.availability event (once every one committed has arrived) shows what
 * availability shows, except lapsed holds not swept yet: a hold's time running out changes
 * availability without an event (the sweep's event follows), so the feed may still show those.
 */
async function checkFeed(w: World, listing: ListingIndex) {
  const listingId = w.listingIds[listing];
  const { rows } = await db().query(
    "select max(id)::int as id from public_events where type = 'listing.availability' and listing_id = $1",
    [listingId],
  );
  const lastId: number | null = rows[0].id;
  if (lastId !== null) await feed.waitForId(lastId, 10_000);
  const events = feed.events.filter(
    (e) =>
      e.type === "listing.availability" && (e as EventEnvelope<"listing.availability">).data.listingId === listingId,
  ) as EventEnvelope<"listing.availability">[];
  const shown = new Set((events.at(-1)?.data.blocked ?? []).map(rangeKey));
  const availability = (await api.get(`/api/v1/listings/${listingId}/availability`)).body.blocked as StayRange[];
  const actual = new Set(availability.map(rangeKey));
  for (const r of actual) assert.ok(shown.has(r), `the live feed of listing ${listing} shows ${r}`);
  const lapsed = new Set(w.bookings.filter((b) => b.listing === listing && b.lapsed).map((b) => rangeKey(stayOf(b))));
  for (const r of shown) {
    assert.ok(actual.has(r) || lapsed.has(r), `the live feed of listing ${listing} shows ${r}, which is free`);
  }
}

/**
 * (Un)subscribes the feed socket to a listing. The server lets a socket send SOCKET_EVENTS_PER_SECOND
 * (20) messages a second, and short runs (4 messages each) can go faster: a rate_limited answer is
 * asked again once the bucket has refilled; any other refusal fails the test.
 */
function askFeed(event: "subscribe" | "unsubscribe", listingId: string) {
  return eventually(async () => {
    const ack = (await feed.socket.timeout(5000).emitWithAck(event, { listingId })) as {
      ok: boolean;
      error?: { code: string };
    };
    if (!ack.ok && ack.error?.code !== "rate_limited") throw new Error(`${event}: ${JSON.stringify(ack)}`);
    return ack.ok ? ack : null;
  }, `the feed to ${event} listing ${listingId}`);
}

test("random bookings, requests and their answers, deadlines and blocks never double-book, and search, availability and the live feed agree", async (t) => {
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 12 }), async (steps) => {
      runs++;
      const city = `Propville ${randomUUID().slice(0, 8)}`;
      const listingIds = [(await createListing(host, { city })).id, (await createListing(host, { city })).id];
      const mode = await api.patch(
        `/api/v1/listings/${listingIds[REQUEST_LISTING]}`,
        { bookingMode: "request" },
        host.auth,
      );
      assert.equal(mode.status, 200);
      for (const listingId of listingIds) assert.deepEqual(await askFeed("subscribe", listingId), { ok: true });
      const world: World = { listingIds, bookings: [], blocks: [] };
      try {
        // Lapsed holds and requests of earlier runs would count in this run's sweeps.
        while ((await runCommand(orm, (tx) => expireHolds(tx))) > 0);
        while ((await runCommand(orm, (tx) => declineLapsedRequests(tx))) > 0);
        for (const step of steps) {
          await OPERATIONS[step.action.kind].run(step.action.params, world);
          await check(world, city, step.probe);
        }
      } finally {
        // A connection follows at most 50 feeds.
        for (const listingId of listingIds) assert.deepEqual(await askFeed("unsubscribe", listingId), { ok: true });
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
