import "./helpers/env.js";
import test from "ava";
import { createGuest, createHost, createListing, day, db, type TestUser } from "./helpers/factories.js";
import { useApp } from "./helpers/useApp.js";

/**
 * The second guard of "no two active bookings of a listing overlap" (bookings_guard_overlap, see its
 * migration), on its own: this file's database has no exclusion constraint, as if its GiST index
 * missed an entry (what the chaos run once saw). Bookings must still never overlap.
 */
const { api } = useApp();
let host: TestUser;

test.serial.before(async () => {
  await db().query("alter table bookings drop constraint bookings_no_overlap");
  host = await createHost();
});

const book = (guest: TestUser, listingId: string, from: number, to: number) =>
  api.post("/api/v1/bookings", { listingId, checkIn: day(from), checkOut: day(to), guests: 1 }, guest.auth);

test("without the exclusion constraint, a hold over a confirmed booking is still 409 dates_unavailable", async (t) => {
  const listing = await createListing(host);
  const first = await book(await createGuest(), listing.id, 10, 13);
  t.is(first.status, 201);
  await db().query("update bookings set status = 'confirmed', expires_at = null where id = $1", [
    first.body.booking.id,
  ]);
  const second = await book(await createGuest(), listing.id, 12, 14);
  t.is(second.status, 409);
  t.is(second.body.error.code, "dates_unavailable");
  const touching = await book(await createGuest(), listing.id, 13, 15);
  t.is(touching.status, 201, "a stay that only touches is fine");
});

test("without the exclusion constraint, 30 guests racing for overlapping dates: one 201, 29 × 409", async (t) => {
  const listing = await createListing(host);
  const guests = await Promise.all(Array.from({ length: 30 }, () => createGuest()));
  const results = await Promise.all(guests.map((g, i) => book(g, listing.id, 20 + (i % 3), 23 + (i % 4))));
  t.is(results.filter((r) => r.status === 201).length, 1);
  t.true(
    results.filter((r) => r.status !== 201).every((r) => r.status === 409 && r.body.error.code === "dates_unavailable"),
  );
  const { rows } = await db().query(
    "select count(*)::int as n from bookings where listing_id = $1 and status in ('pending_payment', 'confirmed')",
    [listing.id],
  );
  t.is(rows[0].n, 1);
});

test("the guard covers a booking made active again: confirming a hold over another active booking is refused", async (t) => {
  const listing = await createListing(host);
  const a = await book(await createGuest(), listing.id, 30, 33);
  t.is(a.status, 201);
  await db().query("update bookings set status = 'cancelled' where id = $1", [a.body.booking.id]);
  const b = await book(await createGuest(), listing.id, 31, 34);
  t.is(b.status, 201);
  // Straight in SQL (no command does this): the cancelled one back to confirmed over b.
  const err = await db()
    .query("update bookings set status = 'confirmed' where id = $1", [a.body.booking.id])
    .then(
      () => null,
      (e: { code?: string }) => e.code,
    );
  t.is(err, "23P01");
});
