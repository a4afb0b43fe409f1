import "./helpers/env.js";
import { randomUUID } from "node:crypto";
import test from "ava";
import type { Redis } from "ioredis";
import { config } from "../shared/config.js";
import { invalidateSearches } from "../shared/domain/listings/searchCache.js";
import { createRedis } from "../shared/redis.js";
import { type RunningApp, startApp } from "./helpers/app.js";
import { eventually } from "./helpers/eventually.js";
import { closeFactories, createBooking, createGuest, createHost, createListing, day, db } from "./helpers/factories.js";
import { apiClient } from "./helpers/http.js";
import { PrivateRedis } from "./helpers/privateRedis.js";
import { freeListingIds } from "./helpers/searchRule.js";

// Started by the first test, not a before hook: env.js's hook (creating this file's database) runs
// concurrently with other before hooks.
let starting: Promise<RunningApp> | null = null;
let api: ReturnType<typeof apiClient>;
const redis = createRedis("search-cache-test");
test.beforeEach(async () => {
  starting ??= startApp();
  api = apiClient((await starting).url);
});
test.after.always(async () => {
  await (await starting)?.close();
  redis.disconnect();
  await closeFactories();
});

// Serial: the private-Redis test stops a Redis, and the hit/miss counts below assume no other
// test's searches in between (each test has its own cities, so invalidations do not cross).
const uniqueCity = () => `City ${randomUUID().slice(0, 8)}`;
const entryKeys = () => redis.keys(`${config.REDIS_KEY_PREFIX}search:entry:*`);

/** Whether the entry at `key` is still valid: none of its tags moved past the sequence it was read at. */
async function valid(client: Redis, key: string): Promise<boolean> {
  const raw = await client.get(key);
  if (!raw) return false;
  const [s0, , tags] = raw.split("\n", 3);
  const values = await client.mget(...tags.split(" ").map((tag) => `${config.REDIS_KEY_PREFIX}search:tag:${tag}`));
  return values.every((value) => value === null || Number(value) <= Number(s0));
}

/**
 * An entry is written after its answer leaves: resolves once `client`'s Redis holds a valid one for
 * this city, for searches from `checkIn` (or, without it, for searches without dates).
 */
async function stored(city: string, o: { checkIn?: string; client?: Redis } = {}): Promise<string> {
  const client = o.client ?? redis;
  const matches = (key: string) =>
    key.includes(city.toLowerCase()) && (o.checkIn ? key.includes(o.checkIn) : !/"\d{4}-\d{2}-\d{2}"/.test(key));
  return eventually(
    async () => {
      for (const key of (await client.keys(`${config.REDIS_KEY_PREFIX}search:entry:*`)).filter(matches)) {
        if (await valid(client, key)) return key;
      }
      return null;
    },
    `a current cache entry for ${city}${o.checkIn ? ` from ${o.checkIn}` : ""}`,
    { timeoutMs: 5000, intervalMs: 10, explain: async () => (await client.keys("*")).filter(matches) },
  );
}

function searchIn(city: string, extra = "") {
  return api.get(`/api/v1/listings?city=${encodeURIComponent(city)}${extra}`);
}
const ids = (body: { data: { id: string }[] }) => body.data.map((l) => l.id).sort();

test.serial("the same search twice: the second answer comes from Redis, byte for byte", async (t) => {
  const host = await createHost();
  const city = uniqueCity();
  await createListing(host, { city });
  await createListing(host, { city });
  const first = await searchIn(city, "&guests=2");
  t.is(first.status, 200);
  t.is(first.headers.get("x-cache"), "miss");
  await stored(city);
  const second = await searchIn(city, "&guests=2");
  t.is(second.headers.get("x-cache"), "hit");
  t.is(second.headers.get("content-type"), "application/json; charset=utf-8");
  t.deepEqual(second.body, first.body);
  t.is(second.body.data.length, 2);
  // Normalised filters: another case of the same city is the same entry.
  const shouted = await searchIn(city.toUpperCase(), "&guests=2");
  t.is(shouted.headers.get("x-cache"), "hit");
  const keys = await entryKeys();
  t.true(
    keys.some((k) => k.includes(city.toLowerCase())),
    "the entry lives under REDIS_KEY_PREFIX",
  );
});

test.serial("a booking hides the listing from the very next search for its dates, cache or not", async (t) => {
  const [host, guest] = await Promise.all([createHost(), createGuest()]);
  const city = uniqueCity();
  const listings = await Promise.all(Array.from({ length: 5 }, () => createListing(host, { city })));
  const dates = `&checkIn=${day(40)}&checkOut=${day(43)}`;
  for (const [i, listing] of listings.entries()) {
    await searchIn(city, dates);
    await stored(city, { checkIn: day(40) });
    t.is((await searchIn(city, dates)).headers.get("x-cache"), "hit", "warm before the booking");
    // Searches racing with the commit may cache the old answer, under the sequence read before it.
    const racing = Array.from({ length: 5 }, () => searchIn(city, dates));
    const status = i % 2 === 0 ? "confirmed" : "pending_payment";
    await createBooking(listing, guest, { status, checkIn: day(41), checkOut: day(42) });
    // What createBooking's door does after its commit.
    await invalidateSearches(redis, [
      { kind: "taken", listingId: listing.id, nights: { checkIn: day(41), checkOut: day(42) } },
    ]);
    await Promise.all(racing);
    const after = await searchIn(city, dates);
    t.false(ids(after.body).includes(listing.id), `booking ${i} hides its listing at once`);
    t.is(after.body.data.length, listings.length - i - 1);
  }
  const otherDates = await searchIn(city, `&checkIn=${day(42)}&checkOut=${day(44)}`);
  t.is(otherDates.body.data.length, 5, "other dates are not affected");
});

test.serial("a booking made through the API is gone from search by the time its 201 arrives", async (t) => {
  const [host, guest] = await Promise.all([createHost(), createGuest()]);
  const city = uniqueCity();
  const listing = await createListing(host, { city });
  const dates = `&checkIn=${day(70)}&checkOut=${day(72)}`;
  await searchIn(city, dates);
  await stored(city, { checkIn: day(70) });
  t.is((await searchIn(city, dates)).headers.get("x-cache"), "hit");
  const booked = await api.post(
    "/api/v1/bookings",
    { listingId: listing.id, checkIn: day(71), checkOut: day(73), guests: 1 },
    guest.auth,
  );
  t.is(booked.status, 201);
  t.deepEqual((await searchIn(city, dates)).body.data, []);
  const cancelled = await api.post(`/api/v1/bookings/${booked.body.booking.id}/cancel`, {}, guest.auth);
  t.is(cancelled.status, 200);
  t.deepEqual(ids((await searchIn(city, dates)).body), [listing.id], "and back once cancelled");
});

test.serial("a cancelled booking frees the dates in search at once", async (t) => {
  const [host, guest] = await Promise.all([createHost(), createGuest()]);
  const city = uniqueCity();
  const listing = await createListing(host, { city });
  const booking = await createBooking(listing, guest, { checkIn: day(50), checkOut: day(52) });
  await invalidateSearches(redis, [
    { kind: "taken", listingId: listing.id, nights: { checkIn: day(50), checkOut: day(52) } },
  ]);
  const dates = `&checkIn=${day(50)}&checkOut=${day(51)}`;
  t.deepEqual((await searchIn(city, dates)).body.data, []);
  await stored(city, { checkIn: day(50) });
  t.is((await searchIn(city, dates)).headers.get("x-cache"), "hit");
  await db().query("update bookings set status = 'cancelled' where id = $1", [booking.id]);
  // What a cancel records (transitionBooking) and its door invalidates.
  const nights = { checkIn: day(50), checkOut: day(52) };
  // Places as PostgreSQL's lower() gives them (execute() asks it).
  const place = { city: city.toLowerCase(), country: "ethiopia" };
  await invalidateSearches(redis, [{ kind: "freed", listingId: listing.id, ...place, nights }]);
  t.deepEqual(ids((await searchIn(city, dates)).body), [listing.id]);
});

test.serial("creating, changing, archiving and reviewing listings invalidate cached searches", async (t) => {
  const [host, guest] = await Promise.all([createHost(), createGuest()]);
  const city = uniqueCity();
  const existing = await createListing(host, { city });
  const warm = async () => {
    await searchIn(city);
    await stored(city);
    t.is((await searchIn(city)).headers.get("x-cache"), "hit");
  };
  await warm();
  const body = {
    title: "New",
    description: "d",
    city,
    country: "Ethiopia",
    pricePerNight: 900,
    currency: "USD",
    maxGuests: 2,
  };
  const created = (await api.post("/api/v1/listings", body, host.auth)).body.listing;
  t.deepEqual(ids((await searchIn(city)).body), [existing.id, created.id].sort(), "a new listing shows at once");

  await warm();
  await api.patch(`/api/v1/listings/${created.id}`, { pricePerNight: 1200 }, host.auth);
  const changed = (await searchIn(city)).body.data.find((l: { id: string }) => l.id === created.id);
  t.is(changed.pricePerNight, 1200, "a change shows at once");

  await warm();
  const stay = await createBooking(created, guest, { status: "completed", checkIn: day(-5), checkOut: day(-3) });
  t.is((await api.post(`/api/v1/bookings/${stay.id}/review`, { rating: 4, comment: "Nice" }, guest.auth)).status, 201);
  const reviewed = (await searchIn(city)).body.data.find((l: { id: string }) => l.id === created.id);
  t.like(reviewed, { reviewCount: 1, ratingAverage: 4 }, "a review's rating shows at once");

  await warm();
  await api.delete(`/api/v1/listings/${created.id}`, host.auth);
  t.deepEqual(ids((await searchIn(city)).body), [existing.id], "an archived listing leaves at once");
});

test.serial(
  "two web instances share the cache, and a change made through one is seen at once by the other",
  async (t) => {
    const second = await startApp();
    const other = apiClient(second.url);
    try {
      const host = await createHost();
      const city = uniqueCity();
      const listing = await createListing(host, { city });
      const path = `/api/v1/listings?city=${encodeURIComponent(city)}`;
      t.is((await api.get(path)).headers.get("x-cache"), "miss");
      await stored(city);
      const fromRedis = await other.get(path);
      t.is(fromRedis.headers.get("x-cache"), "hit", "the other instance is served the entry the first one stored");
      t.is((await api.get(path)).headers.get("x-cache"), "hit");
      const patched = await other.patch(`/api/v1/listings/${listing.id}`, { title: "Renamed elsewhere" }, host.auth);
      t.is(patched.status, 200);
      const seen = await api.get(path);
      t.is(seen.headers.get("x-cache"), "miss", "the first instance's copy died with its city's tag");
      t.is(seen.body.data[0].title, "Renamed elsewhere");
    } finally {
      await second.close();
    }
  },
);

test.serial("an answer shaped by an unpaid hold is not cached past the hold's expiry", async (t) => {
  const [host, guest] = await Promise.all([createHost(), createGuest()]);
  const city = uniqueCity();
  const held = await createListing(host, { city });
  const free = await createListing(host, { city });
  const hold = await createBooking(held, guest, {
    status: "pending_payment",
    checkIn: day(60),
    checkOut: day(62),
    expiresIn: "2 seconds",
  });
  await invalidateSearches(redis, [
    { kind: "taken", listingId: held.id, nights: { checkIn: day(60), checkOut: day(62) } },
  ]);
  const dates = `&checkIn=${day(61)}&checkOut=${day(63)}`;
  t.deepEqual(ids((await searchIn(city, dates)).body), [free.id], "the live hold hides its listing");
  await stored(city, { checkIn: day(61) });
  t.is((await searchIn(city, dates)).headers.get("x-cache"), "hit");
  const [holdEntry] = (await entryKeys()).filter((k) => k.includes(city.toLowerCase()) && k.includes(day(61)));
  const holdTtl = await redis.pttl(holdEntry);
  t.true(holdTtl > 0 && holdTtl <= 2000, `entry TTL ${holdTtl} ms is cut to the hold's remaining life`);

  // A search without dates is not shaped by holds: it keeps the configured TTL.
  await searchIn(city);
  await stored(city);
  const [plainEntry] = (await entryKeys()).filter((k) => k.includes(city.toLowerCase()) && !k.includes(day(61)));
  const plainTtl = await redis.pttl(plainEntry);
  t.true(plainTtl > 2000 && plainTtl <= config.SEARCH_CACHE_TTL_SECONDS * 1000, `plain TTL ${plainTtl}`);

  // No commit happens when a hold runs out: the entry must simply be gone by then.
  await eventually(
    async () =>
      !(await redis.exists(holdEntry)) &&
      (await db().query("select expires_at <= now() as over from bookings where id = $1", [hold.id])).rows[0].over,
    "the hold to run out and its entry to expire",
    5000,
  );
  const after = await searchIn(city, dates);
  t.is(after.headers.get("x-cache"), "miss");
  t.deepEqual(ids(after.body), [held.id, free.id].sort(), "the expired hold no longer hides the listing");
});

test.serial("with Redis down, search still answers (uncached) and listing changes still succeed", async (t) => {
  const privateRedis = await PrivateRedis.start();
  const app = await startApp({ redisUrl: privateRedis.url });
  const local = apiClient(app.url);
  try {
    const host = await createHost();
    const city = uniqueCity();
    const listing = await createListing(host, { city });
    const search = () => local.get(`/api/v1/listings?city=${encodeURIComponent(city)}`);
    await eventually(() => app.redis.status === "ready", "the app's Redis connection");
    const probe = createRedis("search-cache-probe", privateRedis.url);
    t.teardown(() => probe.disconnect());
    t.is((await search()).headers.get("x-cache"), "miss");
    await stored(city, { client: probe });
    t.is((await search()).headers.get("x-cache"), "hit");

    await privateRedis.stop();
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      const res = await search();
      t.is(res.status, 200);
      t.is(res.headers.get("x-cache"), "miss");
      t.deepEqual(ids(res.body), [listing.id]);
      t.true(Date.now() - started < 1000, "no waiting on the missing Redis");
    }
    const patched = await local.patch(
      `/api/v1/listings/${listing.id}`,
      { title: "Changed while Redis was away" },
      host.auth,
    );
    t.is(patched.status, 200, "a change commits even when its invalidation cannot reach Redis");
    t.is((await search()).body.data[0].title, "Changed while Redis was away");

    // Redis comes back (empty): the invalidation left pending is retried and lands.
    await privateRedis.start();
    const version = await eventually(
      () => probe.get(`${config.REDIS_KEY_PREFIX}search:seq`).catch(() => null),
      "the pending invalidation to reach Redis once it was back",
      { timeoutMs: 4000, intervalMs: 100 },
    );
    t.truthy(version, "the pending invalidation reached Redis once it was back");
    await eventually(() => app.redis.status === "ready", "the app's Redis connection back");
    t.is((await search()).headers.get("x-cache"), "miss");
    await stored(city, { client: probe });
    const cached = await search();
    t.is(cached.headers.get("x-cache"), "hit", "caching resumes");
    t.is(cached.body.data[0].title, "Changed while Redis was away");
  } finally {
    await app.close();
    await privateRedis.stop();
  }
});

test.serial(
  "a booking ends only the cached answers that show its listing: not other cities, not answers without it",
  async (t) => {
    const [host, guest] = await Promise.all([createHost(), createGuest()]);
    const [cityA, cityB] = [uniqueCity(), uniqueCity()];
    const cheap = await createListing(host, { city: cityA, pricePerNight: 10_000 });
    const dear = await createListing(host, { city: cityA, pricePerNight: 50_000 });
    const elsewhere = await createListing(host, { city: cityB });
    const dates = `&checkIn=${day(80)}&checkOut=${day(82)}`;
    const searches = {
      datedA: () => searchIn(cityA, dates),
      cheapA: () => searchIn(cityA, `${dates}&maxPrice=20000`),
      datedB: () => searchIn(cityB, dates),
      plainA: () => searchIn(cityA),
    };
    for (const [name, search] of Object.entries(searches)) {
      t.is((await search()).headers.get("x-cache"), "miss", name);
      await stored(name.endsWith("B") ? cityB : cityA, name === "plainA" ? {} : { checkIn: day(80) });
    }
    await eventually(
      async () => (await entryKeys()).filter((k) => k.includes(cityA.toLowerCase())).length === 3,
      "3 entries of A",
    );
    t.deepEqual(ids((await searches.datedA()).body), [cheap.id, dear.id].sort());
    t.deepEqual(ids((await searches.cheapA()).body), [cheap.id]);
    t.deepEqual(ids((await searches.datedB()).body), [elsewhere.id]);

    const elsewhen = await api.post(
      "/api/v1/bookings",
      { listingId: dear.id, checkIn: day(82), checkOut: day(84), guests: 1 },
      guest.auth,
    );
    t.is(elsewhen.status, 201, "a booking of that listing on other nights (touching the stay searched)…");
    const still = await searches.datedA();
    t.is(still.headers.get("x-cache"), "hit", "…keeps the answer that shows it for these nights");
    t.deepEqual(ids(still.body), [cheap.id, dear.id].sort());
    const booked = await api.post(
      "/api/v1/bookings",
      { listingId: dear.id, checkIn: day(79), checkOut: day(81), guests: 1 },
      guest.auth,
    );
    t.is(booked.status, 201);
    const shown = await searches.datedA();
    t.is(shown.headers.get("x-cache"), "miss", "the answer showing the booked listing is gone");
    t.deepEqual(ids(shown.body), [cheap.id]);
    const cheapA = await searches.cheapA();
    t.is(cheapA.headers.get("x-cache"), "hit", "an answer of the same city and dates without that listing stays");
    t.deepEqual(ids(cheapA.body), [cheap.id]);
    t.is((await searches.datedB()).headers.get("x-cache"), "hit", "another city's answer stays");
    const plain = await searches.plainA();
    t.is(plain.headers.get("x-cache"), "hit", "an answer without dates stays");
    t.deepEqual(ids(plain.body), [cheap.id, dear.id].sort());
  },
);

test.serial(
  "a cancel frees its nights: a dated search over them misses and shows the listing again, other nights keep theirs",
  async (t) => {
    const [host, guest] = await Promise.all([createHost(), createGuest()]);
    const [city, otherCity] = [uniqueCity(), uniqueCity()];
    const listing = await createListing(host, { city });
    await createListing(host, { city: otherCity });
    const booked = await api.post(
      "/api/v1/bookings",
      { listingId: listing.id, checkIn: day(90), checkOut: day(92), guests: 1 },
      guest.auth,
    );
    t.is(booked.status, 201);
    const over = () => searchIn(city, `&checkIn=${day(91)}&checkOut=${day(93)}`);
    const later = () => searchIn(city, `&checkIn=${day(95)}&checkOut=${day(96)}`);
    const other = () => searchIn(otherCity, `&checkIn=${day(91)}&checkOut=${day(93)}`);
    t.deepEqual((await over()).body.data, [], "booked over those nights");
    await stored(city, { checkIn: day(91) });
    t.deepEqual(ids((await later()).body), [listing.id]);
    await stored(city, { checkIn: day(95) });
    await other();
    await stored(otherCity, { checkIn: day(91) });
    t.is((await over()).headers.get("x-cache"), "hit");

    const cancelled = await api.post(`/api/v1/bookings/${booked.body.booking.id}/cancel`, {}, guest.auth);
    t.is(cancelled.status, 200);
    const freed = await over();
    t.is(freed.headers.get("x-cache"), "miss", "a search over the freed nights is asked again");
    t.deepEqual(ids(freed.body), [listing.id], "and shows the listing");
    t.is((await later()).headers.get("x-cache"), "hit", "a search over other nights keeps its answer");
    t.is((await other()).headers.get("x-cache"), "hit", "another city keeps its answer");
  },
);

test.serial(
  "bookings racing searches: no answer read after a booking's 201 shows its nights free (checked against PostgreSQL)",
  async (t) => {
    const host = await createHost();
    const city = uniqueCity();
    const listings = await Promise.all(Array.from({ length: 10 }, () => createListing(host, { city })));
    const freeInDb = (checkIn: string, checkOut: string) => freeListingIds(db(), city, checkIn, checkOut);
    const iterations = 30;
    let hitsAfter = 0;
    for (let i = 0; i < iterations; i++) {
      const listing = listings[i % listings.length];
      const stay = { checkIn: day(100 + 2 * i), checkOut: day(102 + 2 * i) };
      const dates = `&checkIn=${stay.checkIn}&checkOut=${stay.checkOut}`;
      await searchIn(city, dates);
      await stored(city, { checkIn: stay.checkIn });
      // A guest per booking: one guest's unpaid holds are limited.
      const guest = await createGuest();
      let committedAt = Number.POSITIVE_INFINITY;
      const booking = api
        .post("/api/v1/bookings", { listingId: listing.id, ...stay, guests: 1 }, guest.auth)
        .then((res) => {
          committedAt = Date.now();
          return res;
        });
      // Searches racing the commit and its invalidation, each noting when it was sent.
      const racing = Array.from({ length: 6 }, (_, k) =>
        new Promise((resolve) => setTimeout(resolve, k * 3)).then(async () => {
          const sentAt = Date.now();
          const res = await searchIn(city, dates);
          return { sentAt, res };
        }),
      );
      const [booked, answers] = await Promise.all([booking, Promise.all(racing)]);
      t.is(booked.status, 201, JSON.stringify(booked.body));
      for (const { sentAt, res } of answers) {
        if (sentAt > committedAt) t.false(ids(res.body).includes(listing.id), `iteration ${i}: sent after the 201`);
      }
      const after = await searchIn(city, dates);
      if (after.headers.get("x-cache") === "hit") hitsAfter += 1;
      t.false(ids(after.body).includes(listing.id), `iteration ${i}: the next search hides the booked listing`);
      t.deepEqual(ids(after.body), await freeInDb(stay.checkIn, stay.checkOut), `iteration ${i}: as PostgreSQL says`);
    }
    t.log(
      `${hitsAfter}/${iterations} searches right after a booking were hits (stored by a racing search after the commit)`,
    );
  },
);

test.serial(
  "places are compared as PostgreSQL's lower() does: a change in İstanbul ends the answers of a search for istanbul",
  async (t) => {
    const [host, guest] = await Promise.all([createHost(), createGuest()]);
    const suffix = randomUUID().slice(0, 8);
    // PostgreSQL lowers "İ" to "i"; JavaScript to "i" + a combining dot, which a search never types.
    const listing = await createListing(host, { city: `İstanbul ${suffix}` });
    const city = `istanbul ${suffix}`;
    const booked = await api.post(
      "/api/v1/bookings",
      { listingId: listing.id, checkIn: day(120), checkOut: day(122), guests: 1 },
      guest.auth,
    );
    t.is(booked.status, 201);
    const dates = `&checkIn=${day(120)}&checkOut=${day(121)}`;
    t.deepEqual((await searchIn(city, dates)).body.data, []);
    await stored(city, { checkIn: day(120) });
    t.deepEqual(ids((await searchIn(city)).body), [listing.id]);
    await stored(city);
    t.is((await searchIn(city, dates)).headers.get("x-cache"), "hit");

    t.is((await api.post(`/api/v1/bookings/${booked.body.booking.id}/cancel`, {}, guest.auth)).status, 200);
    t.deepEqual(ids((await searchIn(city, dates)).body), [listing.id], "the freed nights show at once");
    t.is((await api.patch(`/api/v1/listings/${listing.id}`, { title: "Renamed" }, host.auth)).status, 200);
    const renamed = await searchIn(city);
    t.is(renamed.headers.get("x-cache"), "miss");
    t.is(renamed.body.data[0].title, "Renamed", "a listing change shows at once");
  },
);
