import "./helpers/env.js";
import { randomUUID } from "node:crypto";
import test from "ava";
import { initOrm, type Orm } from "../shared/db/orm.js";
import { type SearchFilters, searchQuerySchema } from "../shared/domain/listings/schemas.js";
import { searchListings } from "../shared/domain/listings/search.js";
import { compactNotificationLog, unreadCount } from "../shared/domain/notifications/notifications.js";
import { createBooking, createGuest, createHost, createListing, day, db } from "./helpers/factories.js";
import { useApp } from "./helpers/useApp.js";

/**
 * Issue 15's search structures, checked against brute force: listing_gaps stays equal to a fresh
 * computation through every kind of change; every search path (the gap walk, the listing probes, the
 * GiST range search) answers exactly what the rule says (a listing matching the filters with no
 * blocking booking or block over the nights), in the order asked, page after page; free text,
 * radius, map box and sorts; the unread count from the recipient log.
 */

const { api } = useApp();
let orm: Orm;
test.before(async () => {
  orm = await initOrm();
});
test.after.always(async () => {
  await orm?.close();
});

const uniqueCity = () => `City ${randomUUID().slice(0, 8)}`;
const search = (query: Record<string, string | number>) =>
  searchListings(
    orm.em.fork(),
    searchQuerySchema.parse(Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)]))),
  );

/** listing_gaps for these listings, and what a fresh computation from bookings and blocks gives. */
async function gapsAndTruth(listingIds: string[]) {
  const stored = await db().query(
    `select listing_id, free::text, active, city_key, price, max_guests, rating::text from listing_gaps
      where listing_id = any($1) order by listing_id, free`,
    [listingIds],
  );
  const truth = await db().query(
    `select l.id as listing_id, daterange(b.starts, b.ends, '[)')::text as free, l.status = 'active' as active,
            lower(l.city) as city_key, l.price_per_night as price, l.max_guests,
            coalesce(round(l.rating_sum::numeric / nullif(l.review_count, 0), 2), -1)::text as rating
       from listing_gap_bounds b join listings l on l.id = b.listing_id
      where l.id = any($1) and (b.starts is null or b.ends is null or b.starts < b.ends)
      order by 1, daterange(b.starts, b.ends, '[)')`,
    [listingIds],
  );
  return { stored: stored.rows, truth: truth.rows };
}

test("listing_gaps follows every change in its transaction: confirm, cancel, hold, block, move, listing edits", async (t) => {
  const host = await createHost();
  const guest = await createGuest();
  const listing = await createListing(host, { city: uniqueCity() });
  const check = async (what: string) => {
    const { stored, truth } = await gapsAndTruth([listing.id]);
    t.deepEqual(stored, truth, what);
    return stored.map((row) => row.free);
  };
  t.deepEqual(await check("a new listing"), ["(,)"]);

  const hold = await createBooking(listing, guest, { checkIn: day(10), checkOut: day(13), status: "pending_payment" });
  t.deepEqual(await check("a hold is not firm"), ["(,)"]);
  await db().query("update bookings set status = 'confirmed', expires_at = null where id = $1", [hold.id]);
  t.deepEqual(await check("confirmed"), [`(,${day(10)})`, `[${day(13)},)`]);

  const next = await createBooking(listing, guest, { checkIn: day(13), checkOut: day(15) });
  t.deepEqual(await check("an adjacent confirmed stay leaves no empty gap"), [`(,${day(10)})`, `[${day(15)},)`]);

  const block = await db().query(
    `insert into listing_blocks (listing_id, check_in, check_out, created_by_id) values ($1, $2, $3, $4) returning id`,
    [listing.id, day(20), day(22), host.id],
  );
  t.deepEqual(await check("a block"), [`(,${day(10)})`, `[${day(15)},${day(20)})`, `[${day(22)},)`]);

  await db().query("update bookings set check_in = $2, check_out = $3 where id = $1", [next.id, day(16), day(18)]);
  await check("a confirmed stay moved");
  await db().query("update bookings set status = 'cancelled' where id = $1", [hold.id]);
  await check("cancelled");
  await db().query("delete from listing_blocks where id = $1", [block.rows[0].id]);
  t.deepEqual(await check("block removed"), [`(,${day(16)})`, `[${day(18)},)`]);

  await db().query(
    "update listings set price_per_night = 777, city = 'Elsewhere', rating_sum = 9, review_count = 2 where id = $1",
    [listing.id],
  );
  const edited = await gapsAndTruth([listing.id]);
  t.true(edited.stored.every((row) => row.price === 777 && row.city_key === "elsewhere" && row.rating === "4.50"));
  await db().query("update listings set status = 'archived' where id = $1", [listing.id]);
  t.true((await gapsAndTruth([listing.id])).stored.every((row) => row.active === false));
});

test("two transactions confirming stays of one listing at once both land in its gaps", async (t) => {
  const host = await createHost();
  const guest = await createGuest();
  const listing = await createListing(host, { city: uniqueCity() });
  for (let round = 0; round < 5; round++) {
    const a = await createBooking(listing, guest, {
      checkIn: day(30 + round * 10),
      checkOut: day(32 + round * 10),
      status: "pending_payment",
    });
    const b = await createBooking(listing, guest, {
      checkIn: day(34 + round * 10),
      checkOut: day(36 + round * 10),
      status: "pending_payment",
    });
    const one = await db().connect();
    const two = await db().connect();
    try {
      await one.query("begin");
      await two.query("begin");
      await one.query("update bookings set status = 'confirmed' where id = $1", [a.id]);
      const second = two.query("update bookings set status = 'confirmed' where id = $1", [b.id]);
      await one.query("commit");
      await second;
      await two.query("commit");
    } finally {
      one.release();
      two.release();
    }
  }
  const { stored, truth } = await gapsAndTruth([listing.id]);
  t.deepEqual(stored, truth);
  t.is(stored.length, 11, "10 confirmed stays, 11 gaps");
});

/** A small marketplace of its own: listings in two cities, with stays, holds, requests and blocks at random. */
async function marketplace(seed: number) {
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const host = await createHost();
  const guest = await createGuest();
  const cities = [uniqueCity(), uniqueCity()];
  const listings: { id: string; city: string }[] = [];
  for (let i = 0; i < 36; i++) {
    const city = cities[i % 3 === 0 ? 1 : 0];
    const listing = await createListing(host, {
      city,
      title: i % 4 === 0 ? "Lakeside cottage" : "City flat",
      pricePerNight: 1000 + Math.floor(random() * 50) * 100,
      maxGuests: 1 + (i % 5),
    });
    await db().query(
      `update listings set latitude = $2, longitude = $3, rating_sum = $4, review_count = $5,
              created_at = now() - $6 * interval '1 hour' where id = $1`,
      [
        listing.id,
        9 + random() * 0.4,
        38.6 + random() * 0.4,
        Math.floor(random() * 20),
        Math.floor(random() * 4) + (i % 2),
        i % 7,
      ],
    );
    listings.push({ id: listing.id, city });
    for (let start = 1; start < 40; start += 2 + Math.floor(random() * 6)) {
      const nights = 1 + Math.floor(random() * 4);
      const u = random();
      if (u < 0.45) continue;
      if (u < 0.9) {
        const status = u < 0.75 ? "confirmed" : u < 0.8 ? "pending_payment" : u < 0.85 ? "cancelled" : "expired";
        const expiresIn = status === "pending_payment" ? (random() < 0.5 ? "15 minutes" : "-1 minute") : undefined;
        await createBooking(listing, guest, { checkIn: day(start), checkOut: day(start + nights), status, expiresIn });
      } else {
        await db().query(
          "insert into listing_blocks (listing_id, check_in, check_out, created_by_id) values ($1, $2, $3, $4)",
          [listing.id, day(start), day(start + nights), host.id],
        );
      }
      start += nights;
    }
  }
  return { cities, listings };
}

/** The rule, by brute force over the listings named: matching filters, free over the nights, in the sort's order. */
async function expected(ids: string[], f: SearchFilters): Promise<string[]> {
  const { rows } = await db().query(
    `select l.id from listings l
      where l.id = any($1) and l.status = 'active'
        and ($2::text is null or lower(l.city) = $2) and ($3::int is null or l.max_guests >= $3)
        and ($4::int is null or l.price_per_night >= $4) and ($5::int is null or l.price_per_night <= $5)
        and ($6::text is null or to_tsvector('english', l.title || ' ' || l.description) @@ websearch_to_tsquery('english', $6))
        and ($7::date is null or (
          not exists (select 1 from bookings b where b.listing_id = l.id and b.check_in < $8 and b.check_out > $7
                        and (b.status = 'confirmed' or (b.status in ('pending_payment', 'pending_approval') and b.expires_at > now())))
          and not exists (select 1 from listing_blocks x where x.listing_id = l.id and x.check_in < $8 and x.check_out > $7)))
      order by case $9 when 'newest' then extract(epoch from l.created_at) * -1
                       when 'price_asc' then l.price_per_night
                       when 'price_desc' then -l.price_per_night
                       when 'rating' then -coalesce(round(l.rating_sum::numeric / nullif(l.review_count, 0), 2), -1)
                       else earth_distance(ll_to_earth(l.latitude, l.longitude), ll_to_earth(9.2, 38.8)) end,
               case when $9 in ('price_asc', 'distance') then l.id end,
               case when $9 not in ('price_asc', 'distance') then l.id end desc`,
    [
      ids,
      f.city ?? null,
      f.guests ?? null,
      f.minPrice ?? null,
      f.maxPrice ?? null,
      f.q ?? null,
      f.checkIn ?? null,
      f.checkOut ?? null,
      f.sort,
    ],
  );
  return rows.map((row) => row.id);
}

test("every search path answers what the rule says, in order, page after page (gap walk, probes, GiST)", async (t) => {
  const { cities, listings } = await marketplace(7);
  const ids = listings.map((l) => l.id);
  const { stored, truth } = await gapsAndTruth(ids);
  t.deepEqual(stored, truth, "the gaps of the whole marketplace");
  const stays: [number, number][] = [
    [2, 5],
    [8, 9],
    [12, 19],
    [1, 40],
    [3, 4],
  ];
  let checked = 0;
  for (const [from, to] of stays) {
    for (const sort of ["newest", "price_asc", "price_desc", "rating", "distance"] as const) {
      for (const extra of <Record<string, string | number>[]>[
        { city: cities[0] },
        { city: cities[1], guests: 2 },
        { city: cities[0], q: "cottage" },
        { city: cities[0], minPrice: 2000, maxPrice: 4000 },
      ]) {
        const query: Record<string, string | number> = {
          ...extra,
          checkIn: day(from),
          checkOut: day(to),
          sort,
          limit: 4,
        };
        if (sort === "distance") Object.assign(query, { lat: 9.2, lng: 38.8, radiusKm: 200 });
        const want = await expected(
          ids,
          searchQuerySchema.parse(Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)]))),
        );
        const got: string[] = [];
        let cursor: string | undefined;
        for (let page = 0; page < 20; page++) {
          const result = await search({ ...query, ...(cursor ? { cursor } : {}) });
          got.push(...result.listings.map((l) => l.id));
          t.true(result.listings.length <= 4);
          if (!result.nextCursor) break;
          cursor = result.nextCursor;
        }
        t.deepEqual(got, want, `${JSON.stringify(query)}`);
        checked++;
      }
    }
  }
  t.is(checked, 100);
});

test("free text stems and needs every word; radius and map box find places; distance sorts nearest first", async (t) => {
  const host = await createHost();
  const city = uniqueCity();
  const place = async (title: string, lat: number, lng: number) => {
    const listing = await createListing(host, { city, title });
    await db().query("update listings set latitude = $2, longitude = $3 where id = $1", [listing.id, lat, lng]);
    return listing.id;
  };
  const near = await place("Quiet cottage by the lake", 9.03, 38.74);
  const mid = await place("Cottage with garden", 9.1, 38.8);
  const far = await place("Loft downtown", 9.6, 39.3);
  const titles = async (q: Record<string, string | number>) => (await search({ city, ...q })).listings.map((l) => l.id);
  t.deepEqual((await titles({ q: "cottages" })).sort(), [near, mid].sort(), "stemmed: cottages finds cottage");
  t.deepEqual(await titles({ q: "cottage lake" }), [near], "every word");
  t.deepEqual(await titles({ q: "cottage -lake" }), [mid], "an exclusion");
  t.deepEqual(await titles({ lat: 9.03, lng: 38.74, radiusKm: 12 }).then((r) => r.sort()), [near, mid].sort());
  t.deepEqual(await titles({ lat: 9.03, lng: 38.74, radiusKm: 1 }), [near]);
  t.deepEqual(await titles({ lat: 9.03, lng: 38.74, radiusKm: 500, sort: "distance" }), [near, mid, far]);
  t.deepEqual(
    await titles({ bbox: "38.7,9.0,38.9,9.2", sort: "distance" }),
    [mid, near],
    "nearest the box's centre first",
  );
  t.deepEqual(await titles({ bbox: "39.2,9.5,39.4,9.7" }), [far]);
});

test("bad search input is 400 naming the field", async (t) => {
  for (const [query, path] of [
    ["lat=9.1", "lng"],
    ["lat=91&lng=1", "lat"],
    ["lat=1e1&lng=2", "lat"],
    ["radiusKm=5", "radiusKm"],
    ["lat=1&lng=2&radiusKm=0", "radiusKm"],
    ["sort=distance", "sort"],
    ["sort=cheapest", "sort"],
    ["bbox=1,2,3", "bbox"],
    ["bbox=10,2,3,4", "bbox"],
    ["bbox=1,5,3,4", "bbox"],
    [`q=${"x".repeat(201)}`, "q"],
  ] as const) {
    const res = await api.get(`/api/v1/listings?${query}`);
    t.is(res.status, 400, query);
    t.is(res.body.error.code, "validation_failed", query);
    t.true(
      res.body.error.details.some((d: { path: string }) => d.path === path),
      `${query}: ${JSON.stringify(res.body.error.details)}`,
    );
  }
  // A cursor of one sort is refused by another.
  const host = await createHost();
  const city = uniqueCity();
  for (let i = 0; i < 3; i++) await createListing(host, { city });
  const first = await api.get(`/api/v1/listings?city=${encodeURIComponent(city)}&limit=1&sort=price_asc`);
  t.truthy(first.body.nextCursor);
  const mixed = await api.get(
    `/api/v1/listings?city=${encodeURIComponent(city)}&limit=1&cursor=${first.body.nextCursor}`,
  );
  t.is(mixed.status, 400);
  t.is(mixed.body.error.details[0].path, "cursor");
});

test("the unread count from the recipient log: exact through events, marks and folding", async (t) => {
  const host = await createHost();
  const guest = await createGuest();
  const truth = async (userId: string) =>
    Number(
      (
        await db().query(
          "select count(*) from events e, users u where u.id = $1 and e.user_ids @> array[u.id] and e.id > u.notifications_read_up_to",
          [userId],
        )
      ).rows[0].count,
    );
  const emit = (n: number) =>
    db().query(
      `insert into events (type, user_ids, data)
       select 'message.created', array[$1::uuid, $2::uuid], '{}' from generate_series(1, $3)`,
      [host.id, guest.id, n],
    );
  const em = () => orm.em.fork();
  await emit(5);
  t.is(await unreadCount(em(), host.id), 5);
  await compactNotificationLog(em(), host.id);
  await emit(3);
  t.is(await unreadCount(em(), host.id), 8, "folded and logged add up");
  const marked = await api.post("/api/v1/notifications/read", { upTo: Number.MAX_SAFE_INTEGER }, host.auth);
  t.is(marked.status, 200);
  t.is(marked.body.unread, 0);
  await emit(4);
  await compactNotificationLog(em(), host.id);
  t.is(await unreadCount(em(), host.id), 4);
  t.is(await unreadCount(em(), host.id), await truth(host.id));
  t.is(await unreadCount(em(), guest.id), 12, "the other recipient counts its own");
  const page = await api.get("/api/v1/notifications?limit=2", host.auth);
  t.is(page.body.unread, 4);
});
