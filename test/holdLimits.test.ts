import "./helpers/env.js";
import "./helpers/generousRateLimits.js";

import test from "ava";
import { initOrm, type Orm } from "../shared/db/orm.js";
import { sweepExpiredHolds } from "../shared/domain/bookings/sweepExpiredHolds.js";
import { execute } from "../shared/domain/commands/execute.js";
import type { CommandDeps } from "../shared/domain/deps.js";
import {
  createBooking,
  createGuest,
  createHost,
  createListing,
  day,
  db,
  type TestListing,
  type TestUser,
} from "./helpers/factories.js";
import { useApp } from "./helpers/useApp.js";

// The defaults (config): 3 unpaid holds plus requests per user, 30 minutes of cooldown.
const LIMIT = 3;
const COOLDOWN_MINUTES = 30;

const { api, app } = useApp();
let orm: Orm;
let host: TestUser;
test.serial.before(async () => {
  orm = await initOrm();
  host = await createHost();
});
test.after.always(async () => {
  await orm?.close();
});

const hold = (guest: TestUser, listing: { id: string }, checkIn: string, checkOut: string) =>
  api.post("/api/v1/bookings", { listingId: listing.id, checkIn, checkOut, guests: 1 }, guest.auth);

const listings = (n: number) => Promise.all(Array.from({ length: n }, () => createListing(host)));

/** Moves a booking's hold deadline (and so the moment it lapsed) to `minutesAgo` minutes ago. */
const lapse = (bookingId: string, minutesAgo: number) =>
  db().query("update bookings set expires_at = now() - $2 * interval '1 minute' where id = $1", [
    bookingId,
    minutesAgo,
  ]);

test("the 4th unpaid hold is 409 too_many_holds; confirmed, cancelled and lapsed bookings do not count", async (t) => {
  const guest = await createGuest();
  const [a, b, c, d, e] = await listings(5);
  // Paid and finished stays of this guest: none of them is an unpaid hold.
  await createBooking(a, guest, { status: "confirmed", checkIn: day(100), checkOut: day(102) });
  await createBooking(b, guest, { status: "completed", checkIn: day(100), checkOut: day(102) });
  await createBooking(c, guest, { status: "cancelled", checkIn: day(100), checkOut: day(102) });

  const held = [];
  for (const listing of [a, b, c]) {
    const res = await hold(guest, listing, day(10), day(12));
    t.is(res.status, 201, JSON.stringify(res.body));
    held.push(res.body.booking.id);
  }
  const fourth = await hold(guest, d, day(10), day(12));
  t.is(fourth.status, 409);
  t.is(fourth.body.error.code, "too_many_holds");
  t.regex(fourth.body.error.message, /3 unpaid holds or pending requests/);
  t.is((await db().query("select 1 from bookings where listing_id = $1", [d.id])).rowCount, 0, "nothing was written");

  // Another user is not limited by this one's holds.
  t.is((await hold(await createGuest(), d, day(10), day(12))).status, 201);

  // One hold paid: it is a booking now, not a hold; the guest may hold again.
  await db().query("update bookings set status = 'confirmed' where id = $1", [held[0]]);
  t.is((await hold(guest, e, day(10), day(12))).status, 201);
  t.is((await hold(guest, e, day(20), day(22))).body.error?.code, "too_many_holds");
  // A hold that lapsed (even before the sweep marks it) no longer counts.
  await lapse(held[1], 1);
  t.is((await hold(guest, e, day(20), day(22))).status, 201);
});

test("a pending request counts like an unpaid hold", async (t) => {
  const guest = await createGuest();
  const [a, b, c, d] = await listings(4);
  await db().query("update listings set booking_mode = 'request' where id = $1", [a.id]);
  const request = await hold(guest, a, day(10), day(12));
  t.is(request.body.booking?.status, "pending_approval");
  t.is((await hold(guest, b, day(10), day(12))).status, 201);
  t.is((await hold(guest, c, day(10), day(12))).status, 201);
  t.is((await hold(guest, d, day(10), day(12))).body.error?.code, "too_many_holds");
  // The host declines: the request no longer counts.
  t.is((await api.post(`/api/v1/bookings/${request.body.booking.id}/decline`, {}, host.auth)).status, 200);
  t.is((await hold(guest, d, day(10), day(12))).status, 201);
});

test("concurrent holds of one user on different listings never exceed the limit (20 runs of 8)", async (t) => {
  for (let run = 0; run < 20; run++) {
    const guest = await createGuest();
    const targets = await listings(8);
    const results = await Promise.all(targets.map((l) => hold(guest, l, day(30), day(32))));
    const statuses = results.map((r) => r.status).sort();
    t.deepEqual(statuses, [201, 201, 201, 409, 409, 409, 409, 409], `run ${run}`);
    t.true(results.filter((r) => r.status === 409).every((r) => r.body.error.code === "too_many_holds"));
    const { rows } = await db().query(
      "select count(*)::int as n from bookings where guest_id = $1 and status = 'pending_payment'",
      [guest.id],
    );
    t.is(rows[0].n, LIMIT);
  }
});

test("min and max nights: the listing's rule at its boundaries is 400 validation_failed on checkOut", async (t) => {
  const listing = await createListing(host);
  await db().query("update listings set min_nights = 2, max_nights = 14 where id = $1", [listing.id]);
  const rule = "this listing takes stays of 2 to 14 nights";
  const tooShort = await hold(await createGuest(), listing, day(10), day(11));
  t.is(tooShort.status, 400);
  t.is(tooShort.body.error.code, "validation_failed");
  t.deepEqual(tooShort.body.error.details, [{ path: "checkOut", message: rule }]);
  t.is((await hold(await createGuest(), listing, day(20), day(22))).status, 201, "2 nights: the minimum");
  t.is((await hold(await createGuest(), listing, day(30), day(44))).status, 201, "14 nights: the maximum");
  const tooLong = await hold(await createGuest(), listing, day(50), day(65));
  t.is(tooLong.status, 400);
  t.deepEqual(tooLong.body.error.details, [{ path: "checkOut", message: rule }]);
});

/** A fresh listing and guest, and the guest's hold on it (days 10–12). */
async function guestWithHold(): Promise<{ guest: TestUser; listing: TestListing; bookingId: string }> {
  const guest = await createGuest();
  const listing = await createListing(host);
  const res = await hold(guest, listing, day(10), day(12));
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return { guest, listing, bookingId: res.body.booking.id };
}

test("cooldown: after an unpaid hold lapsed (swept or not), the same listing is 409 hold_cooldown until 30 minutes after it ended", async (t) => {
  const { guest, listing, bookingId } = await guestWithHold();
  await lapse(bookingId, 5);
  // Not swept yet: still recognised as lapsed.
  const refused = await hold(guest, listing, day(20), day(22));
  t.is(refused.status, 409);
  t.is(refused.body.error.code, "hold_cooldown");
  const { rows } = await db().query(
    "select to_char((expires_at + interval '30 minutes') at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') as at from bookings where id = $1",
    [bookingId],
  );
  t.true(refused.body.error.message.includes(rows[0].at), `${refused.body.error.message} names ${rows[0].at}`);
  // Other listings and other guests are not affected.
  t.is((await hold(guest, await createListing(host), day(20), day(22))).status, 201);
  t.is((await hold(await createGuest(), listing, day(20), day(22))).status, 201);

  // Swept now: the cooldown still counts from when the hold ended, not from the sweep.
  const deps: CommandDeps = { orm, redis: app().redis };
  await execute(sweepExpiredHolds, { actor: null, input: {} }, deps);
  const { rows: swept } = await db().query(
    "select status, hold_ended_at = expires_at as from_deadline from bookings where id = $1",
    [bookingId],
  );
  t.deepEqual(swept[0], { status: "expired", from_deadline: true });
  t.is((await hold(guest, listing, day(30), day(32))).body.error?.code, "hold_cooldown");

  // Just inside the window, then just past it.
  await db().query(
    "update bookings set hold_ended_at = now() - $2 * interval '1 minute' + interval '5 seconds' where id = $1",
    [bookingId, COOLDOWN_MINUTES],
  );
  t.is((await hold(guest, listing, day(30), day(32))).body.error?.code, "hold_cooldown");
  await db().query(
    "update bookings set hold_ended_at = now() - $2 * interval '1 minute' - interval '1 second' where id = $1",
    [bookingId, COOLDOWN_MINUTES],
  );
  t.is((await hold(guest, listing, day(30), day(32))).status, 201);
});

test("cooldown: a lapsed unswept hold of the guest on the very same dates is expired, then the retry is hold_cooldown", async (t) => {
  const { guest, listing, bookingId } = await guestWithHold();
  await lapse(bookingId, 1);
  const again = await hold(guest, listing, day(10), day(12));
  t.is(again.status, 409);
  t.is(again.body.error.code, "hold_cooldown");
  t.is((await db().query("select status from bookings where id = $1", [bookingId])).rows[0].status, "expired");
});

test("cooldown: cancelling one's own unpaid hold does not renew it (the renew loophole)", async (t) => {
  const { guest, listing, bookingId } = await guestWithHold();
  t.is((await api.post(`/api/v1/bookings/${bookingId}/cancel`, {}, guest.auth)).status, 200);
  const renewed = await hold(guest, listing, day(10), day(12));
  t.is(renewed.status, 409);
  t.is(renewed.body.error.code, "hold_cooldown");
  // A cancelled paid booking is no unpaid hold: no cooldown.
  const other = await createListing(host);
  const paid = await createBooking(other, guest, { status: "confirmed", checkIn: day(40), checkOut: day(42) });
  t.is((await api.post(`/api/v1/bookings/${paid.id}/cancel`, {}, guest.auth)).status, 200);
  t.is((await hold(guest, other, day(50), day(52))).status, 201);
});

test("the cooldown lookup and the count use the guest's partial index", async (t) => {
  const client = await db().connect();
  try {
    // The test database is tiny, so a sequential scan would always win: ask whether the index can serve it.
    await client.query("set enable_seqscan = off");
    const { rows } = await client.query(
      `explain select 1 from bookings x where x.guest_id = gen_random_uuid() and x.listing_id = gen_random_uuid()
          and (x.status in ('pending_approval', 'pending_payment') or x.hold_ended_at is not null)`,
    );
    t.regex(rows.map((r) => r["QUERY PLAN"]).join("\n"), /bookings_guest_unpaid_idx/);
  } finally {
    await client.query("reset enable_seqscan");
    client.release();
  }
});
