import "./helpers/env.js";
import test from "ava";
import { createBooking, createGuest, createHost, createListing, day, db, type TestUser } from "./helpers/factories.js";
import { useApp } from "./helpers/useApp.js";

/**
 * The second guard between blocks and bookings (bookings_guard_overlap() and
 * listing_blocks_guard_overlap, migration calendarBlocks), on its own: this file's database has no
 * listing_occupancy_no_overlap, as if its GiST index missed an entry. Blocks and active bookings
 * must still never overlap.
 */
const { api } = useApp();
let host: TestUser;

test.serial.before(async () => {
  await db().query("alter table listing_occupancy drop constraint listing_occupancy_no_overlap");
  host = await createHost();
});

const block = (listingId: string, from: number, to: number) =>
  api.post(`/api/v1/listings/${listingId}/blocks`, { checkIn: day(from), checkOut: day(to) }, host.auth);
const book = (guest: TestUser, listingId: string, from: number, to: number) =>
  api.post("/api/v1/bookings", { listingId, checkIn: day(from), checkOut: day(to), guests: 1 }, guest.auth);

test("without the exclusion constraint, a block over a booking, a booking over a block and a block over a block are 409", async (t) => {
  const listing = await createListing(host);
  t.is((await book(await createGuest(), listing.id, 10, 13)).status, 201);
  for (const res of [await block(listing.id, 12, 14), await block(listing.id, 9, 11)]) {
    t.is(res.status, 409);
    t.is(res.body.error.code, "dates_unavailable");
  }
  t.is((await block(listing.id, 13, 16)).status, 201, "touching is fine");
  const over = await book(await createGuest(), listing.id, 15, 17);
  t.is(over.status, 409);
  t.is(over.body.error.code, "dates_unavailable");
  t.is((await block(listing.id, 14, 15)).status, 409, "block over block");
  const guest = await createGuest();
  const confirmed = await createBooking(listing, guest, {
    status: "confirmed",
    checkIn: day(14),
    checkOut: day(15),
  }).then(
    () => null,
    (e: { code?: string }) => e.code,
  );
  t.is(confirmed, "23P01", "an SQL insert over a block");
});

test("without the exclusion constraint, 20 rounds of a block and a booking at once: exactly one wins each", async (t) => {
  const listing = await createListing(host);
  const guests = await Promise.all(Array.from({ length: 20 }, () => createGuest()));
  for (let round = 0; round < 20; round++) {
    const from = 30 + round * 4;
    const results = await Promise.all([
      block(listing.id, from, from + 3),
      book(guests[round], listing.id, from + 2, from + 4),
    ]);
    t.deepEqual(results.map((r) => r.status).sort(), [201, 409], `round ${round}`);
  }
  const { rows } = await db().query(
    `with taken as (
       select id, daterange(check_in, check_out, '[)') as during from bookings
        where listing_id = $1 and status in ('pending_approval', 'pending_payment', 'confirmed')
       union all select id, daterange(check_in, check_out, '[)') from listing_blocks where listing_id = $1)
     select count(*)::int as n from taken a join taken b on a.id < b.id and a.during && b.during`,
    [listing.id],
  );
  t.is(rows[0].n, 0);
});
