import "./helpers/env.js";
import test from "ava";
import pg from "pg";
import { ACTIVE_BOOKING_STATUSES, BOOKING_STATUSES } from "../shared/domain/bookings/status.js";
import type { EventEnvelope } from "../shared/events/eventMap.js";
import { databaseUrl } from "./helpers/env.js";
import { eventually } from "./helpers/eventually.js";
import {
  createAdmin,
  createBooking,
  createGuest,
  createHost,
  createListing,
  day,
  db,
  type TestListing,
  type TestUser,
} from "./helpers/factories.js";
import { connectSocket, type TestSocket } from "./helpers/sockets.js";
import { useApp } from "./helpers/useApp.js";

/** Host calendar blocks (issue 14 point 6): POST, GET, DELETE /listings/:id/blocks, over HTTP. */
const { api, app } = useApp();
let host: TestUser;
let guest: TestUser;
const sockets: TestSocket[] = [];
test.serial.before(async () => {
  host = await createHost();
  guest = await createGuest();
});
test.after.always(() => {
  for (const s of sockets) s.close();
});

const blocksOf = (listingId: string) => `/api/v1/listings/${listingId}/blocks`;
const block = (listingId: string, from: number, to: number, user: TestUser = host, note?: string) =>
  api.post(blocksOf(listingId), { checkIn: day(from), checkOut: day(to), ...(note ? { note } : {}) }, user.auth);
const book = (listingId: string, from: number, to: number, who: TestUser = guest) =>
  api.post("/api/v1/bookings", { listingId, checkIn: day(from), checkOut: day(to), guests: 1 }, who.auth);

test("a host blocks nights, lists the future blocks and deletes one", async (t) => {
  const listing = await createListing(host);
  const created = await block(listing.id, 10, 13, host, "Family visit");
  t.is(created.status, 201, JSON.stringify(created.body));
  const b = created.body.block;
  t.like(b, { listingId: listing.id, checkIn: day(10), checkOut: day(13), nights: 3, note: "Family visit" });
  t.is(b.createdById, host.id);
  t.truthy(Date.parse(b.createdAt));
  t.is((await block(listing.id, 3, 5)).status, 201);
  // A block that is over (written straight in SQL: the API refuses past dates) is not listed.
  await db().query(
    "insert into listing_blocks (listing_id, check_in, check_out, created_by_id) values ($1, $2, $3, $4)",
    [listing.id, day(-5), day(-2), host.id],
  );

  const list = await api.get(blocksOf(listing.id), host.auth);
  t.is(list.status, 200);
  t.deepEqual(
    list.body.blocks.map((x: { checkIn: string; note: string | null }) => [x.checkIn, x.note]),
    [
      [day(3), null],
      [day(10), "Family visit"],
    ],
    "future blocks, by check-in",
  );

  const removed = await api.delete(`${blocksOf(listing.id)}/${b.id}`, host.auth);
  t.is(removed.status, 204);
  t.is((await api.delete(`${blocksOf(listing.id)}/${b.id}`, host.auth)).status, 404, "already gone");
  t.deepEqual(
    (await api.get(blocksOf(listing.id), host.auth)).body.blocks.map((x: { checkIn: string }) => x.checkIn),
    [day(3)],
  );
});

test("authorization: owner and admin may; other users 403; anonymous 401; unknown ids 404", async (t) => {
  const listing = await createListing(host);
  const admin = await createAdmin();
  const otherHost = await createHost();

  const byAdmin = await block(listing.id, 20, 22, admin);
  t.is(byAdmin.status, 201);
  t.is(byAdmin.body.block.createdById, admin.id);
  t.is((await api.get(blocksOf(listing.id), admin.auth)).status, 200);

  for (const stranger of [guest, otherHost]) {
    const post = await block(listing.id, 30, 31, stranger);
    t.is(post.status, 403);
    t.is(post.body.error.code, "forbidden");
    t.is((await api.get(blocksOf(listing.id), stranger.auth)).status, 403);
    t.is((await api.delete(`${blocksOf(listing.id)}/${byAdmin.body.block.id}`, stranger.auth)).status, 403);
  }
  t.is((await api.post(blocksOf(listing.id), { checkIn: day(30), checkOut: day(31) })).status, 401);
  t.is((await api.get(blocksOf(listing.id))).status, 401);
  t.is((await api.delete(`${blocksOf(listing.id)}/${byAdmin.body.block.id}`)).status, 401);

  const unknown = "00000000-0000-4000-8000-000000000000";
  for (const res of [
    await block(unknown, 30, 31),
    await api.get(blocksOf(unknown), host.auth),
    await api.get(blocksOf("not-a-uuid"), host.auth),
    await api.delete(`${blocksOf(listing.id)}/${unknown}`, host.auth),
    await api.delete(`${blocksOf(listing.id)}/not-a-uuid`, host.auth),
  ]) {
    t.is(res.status, 404);
    t.is(res.body.error.code, "not_found");
  }
  // A block of another listing is not found through this one.
  const other = await createListing(otherHost);
  const foreign = await block(other.id, 30, 31, otherHost);
  t.is((await api.delete(`${blocksOf(listing.id)}/${foreign.body.block.id}`, host.auth)).status, 404);
  t.is((await api.delete(`${blocksOf(other.id)}/${byAdmin.body.block.id}`, otherHost.auth)).status, 404);

  t.is((await api.delete(`${blocksOf(listing.id)}/${byAdmin.body.block.id}`, host.auth)).status, 204, "owner deletes");
});

test("validation: bad or past dates, checkOut not after checkIn, too long, bad note, unknown fields → 400", async (t) => {
  const listing = await createListing(host);
  const bad: [Record<string, unknown>, string][] = [
    [{ checkIn: "2030-02-30", checkOut: "2030-03-02" }, "checkIn"],
    [{ checkIn: "tomorrow", checkOut: day(3) }, "checkIn"],
    [{ checkIn: day(5), checkOut: day(5) }, "checkOut"],
    [{ checkIn: day(6), checkOut: day(5) }, "checkOut"],
    [{ checkIn: day(-1), checkOut: day(2) }, "checkIn"],
    [{ checkIn: day(1), checkOut: day(400) }, "checkOut"],
    [{ checkIn: day(700), checkOut: day(740) }, "checkOut"],
    [{ checkIn: day(1), checkOut: day(2), note: "x".repeat(201) }, "note"],
    [{ checkIn: day(1), checkOut: day(2), note: "line\nbreak" }, "note"],
    [{ checkIn: day(1), checkOut: day(2), note: "bell\u0007" }, "note"],
    [{ checkIn: day(1), checkOut: day(2), note: "nul\u0000" }, "note"],
    [{ checkIn: day(1), checkOut: day(2), note: 42 }, "note"],
    [{ checkIn: day(1), checkOut: day(2), listingId: listing.id }, "(body)"],
    [{ checkIn: day(1), checkOut: day(2), status: "x" }, ""],
    [{ checkIn: day(1) }, "checkOut"],
  ];
  for (const [body, path] of bad) {
    const res = await api.post(blocksOf(listing.id), body, host.auth);
    t.is(res.status, 400, JSON.stringify(body));
    t.is(res.body.error.code, "validation_failed");
    if (path)
      t.true(
        res.body.error.details.some((d: { path: string }) => d.path === path),
        `${JSON.stringify(body)} names ${path}: ${JSON.stringify(res.body.error.details)}`,
      );
  }
  t.deepEqual((await api.get(blocksOf(listing.id), host.auth)).body.blocks, [], "nothing was blocked");
  t.is((await block(listing.id, 0, 1)).status, 201, "today is fine");
});

test("a block over a booking, a booking over a block, and a block over a block: 409 dates_unavailable", async (t) => {
  const listing = await createListing(host);
  t.is((await book(listing.id, 10, 13)).status, 201);
  for (const [from, to] of [
    [11, 12],
    [9, 11],
    [12, 20],
  ]) {
    const res = await block(listing.id, from, to);
    t.is(res.status, 409, `block ${from}..${to} over the hold`);
    t.is(res.body.error.code, "dates_unavailable");
  }
  t.is((await block(listing.id, 13, 15)).status, 201, "touching the stay is fine");
  const over = await book(listing.id, 14, 16, await createGuest());
  t.is(over.status, 409);
  t.is(over.body.error.code, "dates_unavailable");
  const twice = await block(listing.id, 14, 16);
  t.is(twice.status, 409);
  t.is(twice.body.error.code, "dates_unavailable");
  t.is((await block(listing.id, 15, 17)).status, 201, "touching another block is fine");
  // Confirmed and request bookings (written straight in SQL) are in the way too; cancelled ones are not.
  await createBooking(listing, guest, { status: "confirmed", checkIn: day(30), checkOut: day(32) });
  await createBooking(listing, guest, {
    status: "pending_approval",
    checkIn: day(40),
    checkOut: day(42),
    expiresIn: "1 day",
  });
  await createBooking(listing, guest, { status: "cancelled", checkIn: day(50), checkOut: day(52) });
  t.is((await block(listing.id, 31, 33)).status, 409);
  t.is((await block(listing.id, 41, 43)).status, 409);
  t.is((await block(listing.id, 50, 52)).status, 201);
});

test("outside any command too: an SQL insert or update of a booking over a block is 23P01", async (t) => {
  const listing = await createListing(host);
  t.is((await block(listing.id, 10, 12)).status, 201);
  const err = await createBooking(listing, guest, { status: "confirmed", checkIn: day(11), checkOut: day(13) }).then(
    () => null,
    (e: { code?: string; constraint?: string }) => e,
  );
  t.is(err?.code, "23P01");
  t.is(err?.constraint, "listing_occupancy_no_overlap");
  // A booking made active again over a block is refused the same way.
  const cancelled = await createBooking(listing, guest, { status: "cancelled", checkIn: day(11), checkOut: day(13) });
  const revived = await db()
    .query("update bookings set status = 'confirmed' where id = $1", [cancelled.id])
    .then(
      () => null,
      (e: { code?: string }) => e.code,
    );
  t.is(revived, "23P01");
  // Moving an active booking's dates onto a block, too.
  const moved = await createBooking(listing, guest, { status: "confirmed", checkIn: day(20), checkOut: day(22) });
  const move = await db()
    .query("update bookings set check_in = $2, check_out = $3 where id = $1", [moved.id, day(9), day(11)])
    .then(
      () => null,
      (e: { code?: string }) => e.code,
    );
  t.is(move, "23P01");
  // listing_occupancy mirrors exactly the active bookings and the blocks.
  await db().query("update bookings set status = 'cancelled' where id = $1", [moved.id]);
  const { rows } = await db().query(
    "select kind, lower(during)::text as from, upper(during)::text as to from listing_occupancy where listing_id = $1",
    [listing.id],
  );
  t.deepEqual(rows, [{ kind: "block", from: day(10), to: day(12) }]);
});

test("20 rounds of a block and a booking fired at once for the same nights: exactly one wins, the other 409", async (t) => {
  const listing = await createListing(host);
  const guests = await Promise.all(Array.from({ length: 20 }, () => createGuest()));
  const winners = { block: 0, booking: 0 };
  for (let round = 0; round < 20; round++) {
    const from = 10 + round * 4;
    // Overlapping but not equal spans, so both the GiST check and the listing lock are exercised.
    const [b, k] = await Promise.all([
      block(listing.id, from, from + 3),
      book(listing.id, from + 1, from + 4, guests[round]),
    ]);
    const statuses = [b.status, k.status].sort();
    t.deepEqual(statuses, [201, 409], `round ${round}: ${JSON.stringify([b.body, k.body])}`);
    const loser = b.status === 409 ? b : k;
    t.is(loser.body.error.code, "dates_unavailable");
    if (b.status === 201) winners.block++;
    else winners.booking++;
  }
  t.is(winners.block + winners.booking, 20);
  t.log(`blocks won ${winners.block}, bookings won ${winners.booking}`);
  const { rows } = await db().query(
    `select count(*)::int as n from listing_occupancy a join listing_occupancy b
        on a.listing_id = b.listing_id and a.id < b.id and a.during && b.during where a.listing_id = $1`,
    [listing.id],
  );
  t.is(rows[0].n, 0);
});

test("a lapsed hold not swept yet does not keep a block out: it is expired and the block wins", async (t) => {
  const listing = await createListing(host);
  const hold = await book(listing.id, 10, 13);
  t.is(hold.status, 201);
  await db().query("update bookings set expires_at = now() - interval '1 second' where id = $1", [
    hold.body.booking.id,
  ]);
  const res = await block(listing.id, 11, 12);
  t.is(res.status, 201, JSON.stringify(res.body));
  const { rows } = await db().query("select status from bookings where id = $1", [hold.body.booking.id]);
  t.is(rows[0].status, "expired");
});

test("deleting a block frees its nights: a booking then succeeds", async (t) => {
  const listing = await createListing(host);
  const b = await block(listing.id, 10, 14);
  t.is((await book(listing.id, 11, 12)).status, 409);
  t.is((await api.delete(`${blocksOf(listing.id)}/${b.body.block.id}`, host.auth)).status, 204);
  t.is((await book(listing.id, 11, 12)).status, 201);
  t.is((await block(listing.id, 10, 14)).status, 409, "the booking now has those nights");
  t.is((await block(listing.id, 12, 14)).status, 201);
});

test("blocks show in availability, in search (cached answers forgotten) and in the live listing.availability feed", async (t) => {
  const city = `Blockville ${Date.now()}`;
  const listing: TestListing = await createListing(host, { city });
  const watcher = await connectSocket(app().url, guest.token);
  sockets.push(watcher);
  t.deepEqual(await watcher.subscribe({ listingId: listing.id }), { ok: true });
  const search = () =>
    api
      .get(`/api/v1/listings?city=${encodeURIComponent(city)}&checkIn=${day(11)}&checkOut=${day(12)}`)
      .then((r) => r.body.data.map((l: { id: string }) => l.id));
  t.deepEqual(await search(), [listing.id]);
  t.deepEqual(await search(), [listing.id], "cached now");

  t.is((await book(listing.id, 5, 7)).status, 201);
  const b = await block(listing.id, 10, 13);
  t.is(b.status, 201);
  const availability = await api.get(`/api/v1/listings/${listing.id}/availability`);
  t.deepEqual(availability.body.blocked, [
    { checkIn: day(5), checkOut: day(7) },
    { checkIn: day(10), checkOut: day(13) },
  ]);
  const windowed = await api.get(`/api/v1/listings/${listing.id}/availability?from=${day(12)}&to=${day(20)}`);
  t.deepEqual(windowed.body.blocked, [{ checkIn: day(10), checkOut: day(13) }]);
  t.deepEqual(await search(), [], "blocked on the searched nights");
  const touching = await api.get(
    `/api/v1/listings?city=${encodeURIComponent(city)}&checkIn=${day(13)}&checkOut=${day(14)}`,
  );
  t.deepEqual(
    touching.body.data.map((l: { id: string }) => l.id),
    [listing.id],
    "the night after is free",
  );

  const feed = () =>
    watcher.events.filter((e) => e.type === "listing.availability") as EventEnvelope<"listing.availability">[];
  await eventually(() => feed().length >= 2, "two listing.availability events");
  t.deepEqual(feed()[1].data, { listingId: listing.id, blocked: availability.body.blocked });

  t.is((await api.delete(`${blocksOf(listing.id)}/${b.body.block.id}`, host.auth)).status, 204);
  await eventually(() => feed().length >= 3, "listing.availability after the delete");
  t.deepEqual(feed()[2].data, { listingId: listing.id, blocked: [{ checkIn: day(5), checkOut: day(7) }] });
  t.deepEqual(await search(), [listing.id], "free again");
  // A hold's own listing.availability (built by hold_booking_dates()) shows blocks too.
  t.is((await block(listing.id, 20, 21)).status, 201);
  t.is((await book(listing.id, 22, 23, await createGuest())).status, 201);
  await eventually(() => feed().length >= 5, "listing.availability of the block and of the hold");
  t.deepEqual(feed()[4].data.blocked, [
    { checkIn: day(5), checkOut: day(7) },
    { checkIn: day(20), checkOut: day(21) },
    { checkIn: day(22), checkOut: day(23) },
  ]);
});

test("the occupancy triggers and the overlap guards count exactly ACTIVE_BOOKING_STATUSES as occupying, like bookings_no_overlap", async (t) => {
  const { rows } = await db().query<{ name: string; def: string }>(
    `select tgname as name, pg_get_triggerdef(oid) as def from pg_trigger where tgname like 'bookings_occupy_%'
     union all select proname, prosrc from pg_proc
      where proname in ('bookings_occupy', 'listing_blocks_guard_overlap', 'bookings_guard_overlap')`,
  );
  t.is(rows.length, 6);
  for (const { name, def } of rows) {
    // Every list of quoted words: "in ('a', 'b')" in the function, "= ANY (ARRAY['a'::text, 'b'::text])" in a trigger.
    const lists = [...def.matchAll(/'[a-z_]+'(?:::\w+)?(?:\s*,\s*'[a-z_]+'(?:::\w+)?)*/g)].map((m) =>
      [...m[0].matchAll(/'([a-z_]+)'/g)].map((q) => q[1]),
    );
    const statusLists = lists.filter((l) => l.some((s) => (BOOKING_STATUSES as readonly string[]).includes(s)));
    t.true(statusLists.length > 0, name);
    for (const list of statusLists) t.deepEqual(list, [...ACTIVE_BOOKING_STATUSES], name);
  }
});

test("with no lock taken, the exclusion constraint alone decides between uncommitted rows: the block commits, the booking waits and fails", async (t) => {
  const listing = await createListing(host);
  const blocker = new pg.Client({ connectionString: databaseUrl });
  const booker = new pg.Client({ connectionString: databaseUrl });
  await Promise.all([blocker.connect(), booker.connect()]);
  try {
    await blocker.query("begin");
    await blocker.query(
      "insert into listing_blocks (listing_id, check_in, check_out, created_by_id) values ($1, $2, $3, $4)",
      [listing.id, day(10), day(12), host.id],
    );
    // The guard cannot see the uncommitted block; the constraint waits for its transaction.
    const booking = booker
      .query(
        `insert into bookings (listing_id, guest_id, check_in, check_out, guests, total_price, currency, status)
         values ($1, $2, $3, $4, 1, 100, 'ETB', 'confirmed')`,
        [listing.id, guest.id, day(11), day(13)],
      )
      .then(
        () => null,
        (e: { code?: string; constraint?: string; message?: string }) => e,
      );
    await eventually(async () => {
      const { rows } = await db().query(
        "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like 'insert into bookings%'",
      );
      return rows[0].n > 0;
    }, "the booking's insert waiting on the block's transaction");
    await blocker.query("commit");
    const err = await booking;
    t.is(err?.code, "23P01");
    t.is(err?.constraint, "listing_occupancy_no_overlap");
    t.notRegex(err?.message ?? "", /overlap guard/, "the constraint decided, not the guard");
  } finally {
    await Promise.all([blocker.end(), booker.end()]);
  }
});
