import "./helpers/env.js";
import test from "ava";
import { initOrm, type Orm } from "../shared/db/orm.js";
import { expireHolds } from "../shared/domain/bookings/expireHolds.js";
import { transitionBooking } from "../shared/domain/bookings/transitionBooking.js";
import { inUnitOfWork as runCommand } from "../shared/domain/commands/unitOfWork.js";
import { createGuest, createHost, createListing, day, db, type TestUser } from "./helpers/factories.js";
import { useApp } from "./helpers/useApp.js";

const { api } = useApp();
let orm: Orm;
let host: TestUser;

test.serial.before(async () => {
  orm = await initOrm();
  host = await createHost();
});
test.after.always(async () => {
  await orm?.close();
});

const book = (guest: TestUser, listingId: string, from: number, to: number) =>
  api.post("/api/v1/bookings", { listingId, checkIn: day(from), checkOut: day(to), guests: 1 }, guest.auth);

async function activeBookings(listingId: string) {
  const { rows } = await db().query(
    "select id, guest_id from bookings where listing_id = $1 and status in ('pending_payment', 'confirmed')",
    [listingId],
  );
  return rows as { id: string; guest_id: string }[];
}

test("50 guests racing for overlapping dates of one listing: one 201, 49 × 409 dates_unavailable", async (t) => {
  const listing = await createListing(host);
  const guests = await Promise.all(Array.from({ length: 50 }, () => createGuest()));
  // Every stay overlaps every other: all contain night 12 → 13.
  const results = await Promise.all(guests.map((g, i) => book(g, listing.id, 10 + (i % 3), 13 + (i % 4))));
  const won = results.filter((r) => r.status === 201);
  const lost = results.filter((r) => r.status === 409);
  t.is(won.length, 1, JSON.stringify(results.filter((r) => r.status !== 409).map((r) => r.body)));
  t.is(lost.length, 49);
  t.true(lost.every((r) => r.body.error.code === "dates_unavailable"));
  const active = await activeBookings(listing.id);
  t.is(active.length, 1);
  t.is(active[0].id, won[0].body.booking.id);
  const { rows } = await db().query(
    "select count(*)::int as n from committed_events where type = 'booking.created' and data->>'listingId' = $1",
    [listing.id],
  );
  t.is(rows[0].n, 1, "losers leave no event behind");
});

test("racing stays that only touch (one's check-out is the other's check-in) both succeed", async (t) => {
  const listing = await createListing(host);
  const [a, b, c] = await Promise.all([createGuest(), createGuest(), createGuest()]);
  const results = await Promise.all([book(a, listing.id, 5, 7), book(b, listing.id, 7, 9), book(c, listing.id, 9, 12)]);
  t.deepEqual(
    results.map((r) => r.status),
    [201, 201, 201],
  );
  t.is((await activeBookings(listing.id)).length, 3);
});

test("an expired hold does not block: the new booking wins and the hold becomes expired with its events", async (t) => {
  const listing = await createListing(host);
  const [first, second] = await Promise.all([createGuest(), createGuest()]);
  const hold = await book(first, listing.id, 20, 25);
  t.is(hold.status, 201);
  t.is((await book(second, listing.id, 22, 24)).status, 409, "an unexpired hold blocks");
  await db().query("update bookings set expires_at = now() - interval '1 second' where id = $1", [
    hold.body.booking.id,
  ]);

  const availability = await api.get(`/api/v1/listings/${listing.id}/availability`);
  if (availability.status === 200) t.deepEqual(availability.body.blocked, [], "availability no longer shows it");

  const res = await book(second, listing.id, 22, 24);
  t.is(res.status, 201, JSON.stringify(res.body));
  const { rows } = await db().query("select status from bookings where id = $1", [hold.body.booking.id]);
  t.is(rows[0].status, "expired");

  const { rows: events } = await db().query(
    "select type, user_ids::text[] as user_ids, data from committed_events where data->>'id' = $1 and type = 'booking.updated'",
    [hold.body.booking.id],
  );
  t.is(events.length, 1);
  t.deepEqual(events[0].user_ids, [first.id, host.id]);
  t.is(events[0].data.status, "expired");
  const { rows: effects } = await db().query("select key from side_effects where key = $1", [
    `email:hold_expired_guest:${hold.body.booking.id}`,
  ]);
  t.is(effects.length, 1);
  const { rows: feed } = await db().query(
    "select data from committed_events where type = 'listing.availability' and listing_id = $1 order by stage, seq",
    [listing.id],
  );
  t.deepEqual(
    feed.map((e) => e.data.blocked),
    [[{ checkIn: day(20), checkOut: day(25) }], [], [{ checkIn: day(22), checkOut: day(24) }]],
    "held, expired, booked",
  );
});

test("two sweeps at once never expire the same hold twice", async (t) => {
  const listings = await Promise.all([createListing(host), createListing(host), createListing(host)]);
  const ids: string[] = [];
  for (const [i, l] of listings.entries()) {
    // A guest per hold: one may have only MAX_ACTIVE_HOLDS_PER_USER unpaid holds at a time.
    for (let n = 0; n < 4; n++) {
      ids.push((await book(await createGuest(), l.id, 40 + n * 3 + i, 41 + n * 3 + i)).body.booking.id);
    }
  }
  await db().query("update bookings set expires_at = now() - interval '1 minute' where id = any($1::uuid[])", [ids]);
  const counts = await Promise.all([
    runCommand(orm, (tx) => expireHolds(tx)),
    runCommand(orm, (tx) => expireHolds(tx)),
    runCommand(orm, (tx) => expireHolds(tx, { limit: 3 })),
  ]);
  const leftover = await runCommand(orm, (tx) => expireHolds(tx));
  t.is(counts.reduce((a, b) => a + b, 0) + leftover, ids.length, `counts ${counts} + ${leftover}`);
  const { rows } = await db().query(
    "select count(*)::int as n from committed_events where type = 'booking.updated' and data->>'id' = any($1::text[])",
    [ids],
  );
  t.is(rows[0].n, ids.length, "one booking.updated per hold");
  t.is(await runCommand(orm, (tx) => expireHolds(tx)), 0);
});

test("the same booking cancelled twice at once: one 200, one 409 invalid_transition, one event", async (t) => {
  const listing = await createListing(host);
  for (let round = 0; round < 5; round++) {
    const guest = await createGuest();
    const id = (await book(guest, listing.id, 60 + round * 2, 61 + round * 2)).body.booking.id;
    const results = await Promise.all([
      api.post(`/api/v1/bookings/${id}/cancel`, {}, guest.auth),
      api.post(`/api/v1/bookings/${id}/cancel`, {}, host.auth),
    ]);
    t.deepEqual(results.map((r) => r.status).sort(), [200, 409]);
    t.is(results.find((r) => r.status === 409)!.body.error.code, "invalid_transition");
    const { rows } = await db().query(
      "select count(*)::int as n from committed_events where type = 'booking.updated' and data->>'id' = $1",
      [id],
    );
    t.is(rows[0].n, 1);
  }
});

test("a confirm racing a cancel: the history is always a path of the status machine", async (t) => {
  const listing = await createListing(host);
  for (let round = 0; round < 5; round++) {
    const guest = await createGuest();
    const id = (await book(guest, listing.id, 80 + round * 2, 81 + round * 2)).body.booking.id;
    const [confirm, cancel] = await Promise.allSettled([
      runCommand(orm, (tx) => transitionBooking(tx, id, "confirmed")),
      api.post(`/api/v1/bookings/${id}/cancel`, {}, guest.auth),
    ]);
    // Cancelling a confirmed booking is allowed, so the cancel always succeeds; the confirm only if it came first.
    t.is(cancel.status === "fulfilled" && cancel.value.status, 200);
    const { rows: events } = await db().query(
      "select data->>'status' as status from committed_events where type = 'booking.updated' and data->>'id' = $1 order by stage, seq",
      [id],
    );
    if (confirm.status === "fulfilled") {
      t.deepEqual(
        events.map((e) => e.status),
        ["confirmed", "cancelled"],
      );
    } else {
      t.is(confirm.reason.code, "invalid_transition");
      t.deepEqual(
        events.map((e) => e.status),
        ["cancelled"],
      );
    }
  }
});
