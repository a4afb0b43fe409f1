import "./helpers/env.js";
import { randomUUID } from "node:crypto";
import test from "ava";
import { buildOpenApiDocument } from "../server/openapi.js";
import { invalidateAllSearches } from "../shared/domain/listings/searchCache.js";
import { createRedis } from "../shared/redis.js";
import { createAdmin, createBooking, createGuest, createHost, createListing, day, db } from "./helpers/factories.js";
import { useApp } from "./helpers/useApp.js";

const { api } = useApp();
const redis = createRedis("listings-test");
test.after.always(async () => {
  redis.disconnect();
});

const validListing = () => ({
  title: "Sunny flat near Bole",
  description: "Two rooms, a balcony and fast wifi.",
  city: "Addis Ababa",
  country: "Ethiopia",
  pricePerNight: 12_550,
  currency: "ETB",
  maxGuests: 3,
});

/** A city of this test's own, so tests running side by side never see each other's listings. */
const uniqueCity = () => `City ${randomUUID().slice(0, 8)}`;

const ids = (body: { data: { id: string }[] }) => body.data.map((l) => l.id).sort();

test("a host lists a place: 201 with the listing, no rating yet, readable by anyone", async (t) => {
  const host = await createHost();
  const created = await api.post("/api/v1/listings", validListing(), host.auth);
  t.is(created.status, 201);
  const listing = created.body.listing;
  t.like(listing, { ...validListing(), hostId: host.id, status: "active", ratingAverage: null, reviewCount: 0 });
  t.regex(listing.id, /^[0-9a-f-]{36}$/);
  t.truthy(Date.parse(listing.createdAt));
  const read = await api.get(`/api/v1/listings/${listing.id}`);
  t.is(read.status, 200);
  t.deepEqual(read.body.listing, listing);
});

test("who may create a listing: host and admin 201, guest 403, anonymous 401", async (t) => {
  const [host, admin, guest] = await Promise.all([createHost(), createAdmin(), createGuest()]);
  t.is((await api.post("/api/v1/listings", validListing(), host.auth)).status, 201);
  t.is((await api.post("/api/v1/listings", validListing(), admin.auth)).status, 201);
  const refused = await api.post("/api/v1/listings", validListing(), guest.auth);
  t.is(refused.status, 403);
  t.is(refused.body.error.code, "forbidden");
  // A guest is told they may not list before being told how to fix the body.
  t.is((await api.post("/api/v1/listings", {}, guest.auth)).status, 403);
  const anonymous = await api.post("/api/v1/listings", validListing());
  t.is(anonymous.status, 401);
  t.is(anonymous.body.error.code, "unauthenticated");
});

test("authorization matrix for update and archive: owner and admin may, others may not", async (t) => {
  const [owner, otherHost, guest, admin] = await Promise.all([
    createHost(),
    createHost(),
    createGuest(),
    createAdmin(),
  ]);
  const cases: { who: string; auth?: Record<string, string>; patch: number; archive: number }[] = [
    { who: "anonymous", patch: 401, archive: 401 },
    { who: "guest", auth: guest.auth, patch: 403, archive: 403 },
    { who: "other host", auth: otherHost.auth, patch: 403, archive: 403 },
    { who: "owner", auth: owner.auth, patch: 200, archive: 204 },
    { who: "admin", auth: admin.auth, patch: 200, archive: 204 },
  ];
  for (const c of cases) {
    const listing = await createListing(owner);
    const patched = await api.patch(`/api/v1/listings/${listing.id}`, { title: `Renamed by ${c.who}` }, c.auth);
    t.is(patched.status, c.patch, `PATCH as ${c.who}`);
    const archived = await api.delete(`/api/v1/listings/${listing.id}`, c.auth);
    t.is(archived.status, c.archive, `DELETE as ${c.who}`);
    const after = (await api.get(`/api/v1/listings/${listing.id}`)).body.listing;
    t.is(after.title, c.patch === 200 ? `Renamed by ${c.who}` : "Test stay", `title after ${c.who}`);
    t.is(after.status, c.archive === 204 ? "archived" : "active", `status after ${c.who}`);
    if (c.patch >= 400) t.is(patched.body.error.code, c.patch === 401 ? "unauthenticated" : "forbidden");
  }
});

test("PATCH changes only the fields sent and keeps the same rules", async (t) => {
  const host = await createHost();
  const listing = await createListing(host, { pricePerNight: 5000, maxGuests: 2 });
  const patched = await api.patch(`/api/v1/listings/${listing.id}`, { pricePerNight: 7000, maxGuests: 6 }, host.auth);
  t.is(patched.status, 200);
  t.like(patched.body.listing, { pricePerNight: 7000, maxGuests: 6, title: "Test stay", city: listing.city });
  for (const [body, path] of [
    [{}, "(body)"],
    [{ maxGuests: 51 }, "maxGuests"],
    [{ pricePerNight: 0 }, "pricePerNight"],
    [{ currency: "EUR" }, "currency"],
    [{ title: "  " }, "title"],
    [{ status: "active" }, "(body)"],
    [{ hostId: "00000000-0000-4000-8000-000000000000" }, "(body)"],
  ] as const) {
    const res = await api.patch(`/api/v1/listings/${listing.id}`, body, host.auth);
    t.is(res.status, 400, JSON.stringify(body));
    t.is(res.body.error.code, "validation_failed");
    t.true(
      res.body.error.details.some((d: { path: string }) => d.path === path),
      JSON.stringify(res.body),
    );
    // An unknown field is named in the message: "Unrecognized key: \"status\"".
    for (const key of Object.keys(body).filter((k) => ["status", "hostId"].includes(k))) {
      t.regex(res.body.error.details[0].message, new RegExp(key));
    }
  }
  const unchanged = (await api.get(`/api/v1/listings/${listing.id}`)).body.listing;
  t.like(unchanged, { pricePerNight: 7000, maxGuests: 6, currency: "ETB" });
});

test("booking rules: defaults on create, chosen ones kept, bad ones 400 naming the field", async (t) => {
  const host = await createHost();
  const plain = await api.post("/api/v1/listings", validListing(), host.auth);
  t.like(plain.body.listing, {
    cancellationPolicy: "moderate",
    bookingMode: "instant",
    minNights: 1,
    maxNights: 365,
    timeZone: "UTC",
  });
  const rules = {
    cancellationPolicy: "strict",
    bookingMode: "request",
    minNights: 2,
    maxNights: 14,
    timeZone: "africa/addis_ababa",
  };
  const chosen = await api.post("/api/v1/listings", { ...validListing(), ...rules }, host.auth);
  t.is(chosen.status, 201);
  t.like(chosen.body.listing, { ...rules, timeZone: "Africa/Addis_Ababa" });

  const bad: [Record<string, unknown>, string][] = [
    [{ cancellationPolicy: "generous" }, "cancellationPolicy"],
    [{ bookingMode: "sometimes" }, "bookingMode"],
    [{ minNights: 0 }, "minNights"],
    [{ maxNights: 366 }, "maxNights"],
    [{ minNights: 5, maxNights: 4 }, "maxNights"],
    [{ timeZone: "Mars/Olympus_Mons" }, "timeZone"],
  ];
  const id = chosen.body.listing.id;
  for (const [patch, path] of bad) {
    const res = await api.patch(`/api/v1/listings/${id}`, patch, host.auth);
    t.is(res.status, 400, JSON.stringify(patch));
    t.is(res.body.error.code, "validation_failed");
    t.true(
      res.body.error.details.some((d: { path: string }) => d.path === path),
      JSON.stringify(res.body.error.details),
    );
  }
  // minNights alone above the stored maxNights (14): the database's check answers, still a 400.
  const alone = await api.patch(`/api/v1/listings/${id}`, { minNights: 20 }, host.auth);
  t.is(alone.status, 400);
  t.deepEqual(alone.body.error.details, [{ path: "maxNights", message: "must not be below minNights" }]);
  const kept = await api.get(`/api/v1/listings/${id}`);
  t.like(kept.body.listing, { ...rules, timeZone: "Africa/Addis_Ababa" });
});

test("every create validation rule answers 400 validation_failed naming the field", async (t) => {
  const host = await createHost();
  const cases: [Record<string, unknown>, string][] = [
    [{ title: undefined }, "title"],
    [{ title: "" }, "title"],
    [{ title: "x".repeat(201) }, "title"],
    [{ title: "nul \u0000 inside" }, "title"],
    [{ description: 42 }, "description"],
    [{ city: "   " }, "city"],
    [{ country: null }, "country"],
    [{ pricePerNight: 0 }, "pricePerNight"],
    [{ pricePerNight: -5 }, "pricePerNight"],
    [{ pricePerNight: 99.5 }, "pricePerNight"],
    [{ pricePerNight: "12550" }, "pricePerNight"],
    [{ pricePerNight: 10_000_000 }, "pricePerNight"],
    [{ currency: "EUR" }, "currency"],
    [{ currency: "etb" }, "currency"],
    [{ maxGuests: 0 }, "maxGuests"],
    [{ maxGuests: 51 }, "maxGuests"],
    [{ maxGuests: 2.5 }, "maxGuests"],
    [{ status: "archived" }, "(body)"],
  ];
  for (const [override, path] of cases) {
    const res = await api.post("/api/v1/listings", { ...validListing(), ...override }, host.auth);
    t.is(res.status, 400, JSON.stringify(override));
    t.is(res.body.error.code, "validation_failed");
    t.true(
      res.body.error.details.some((d: { path: string }) => d.path === path),
      `${JSON.stringify(override)} → ${JSON.stringify(res.body.error.details)}`,
    );
  }
  const malformed = await api.call("POST", "/api/v1/listings", {
    raw: '{"title": ',
    headers: { ...host.auth, "content-type": "application/json" },
  });
  t.is(malformed.status, 400);
  t.is(malformed.body.error.code, "invalid_json");
  const array = await api.post("/api/v1/listings", [validListing()], host.auth);
  t.is(array.status, 400);
  t.is(array.body.error.code, "validation_failed");
});

test("unknown, malformed and archived ids: 404 for the first two, archived still readable", async (t) => {
  const host = await createHost();
  for (const path of [`/listings/${randomUUID()}`, "/listings/not-a-uuid", "/listings/1' or '1'='1"]) {
    const res = await api.get(`/api/v1${path}`);
    t.is(res.status, 404, path);
    t.is(res.body.error.code, "not_found");
    t.is((await api.patch(`/api/v1${path}`, { title: "x" }, host.auth)).status, 404);
    t.is((await api.delete(`/api/v1${path}`, host.auth)).status, 404);
    t.is((await api.get(`/api/v1${path}/availability`)).status, 404);
  }
  const listing = await createListing(host, { city: uniqueCity() });
  t.is((await api.delete(`/api/v1/listings/${listing.id}`, host.auth)).status, 204);
  t.is((await api.delete(`/api/v1/listings/${listing.id}`, host.auth)).status, 204, "archiving twice is a no-op");
  const read = await api.get(`/api/v1/listings/${listing.id}`);
  t.is(read.status, 200);
  t.is(read.body.listing.status, "archived");
  const search = await api.get(`/api/v1/listings?city=${encodeURIComponent(listing.city)}`);
  t.deepEqual(search.body, { data: [], nextCursor: null }, "archived listings are not searchable");
});

test("search filters: city and country exact but case-insensitive, price range, guests", async (t) => {
  const host = await createHost();
  const city = uniqueCity();
  const cheap = await createListing(host, { city, pricePerNight: 3000, maxGuests: 2 });
  const mid = await createListing(host, { city, pricePerNight: 8000, maxGuests: 4, country: "Kenya" });
  const dear = await createListing(host, { city, pricePerNight: 20_000, maxGuests: 8 });
  await createListing(host, { city: `${city} North`, pricePerNight: 8000 });
  const search = async (query: string) => {
    const res = await api.get(`/api/v1/listings?city=${encodeURIComponent(city.toUpperCase())}${query}`);
    t.is(res.status, 200, query);
    return ids(res.body);
  };
  t.deepEqual(await search(""), [cheap.id, mid.id, dear.id].sort(), "exact city, any case; not a prefix match");
  t.deepEqual(await search("&country=kenya"), [mid.id]);
  t.deepEqual(await search("&country=%20ETHIOPIA%20"), [cheap.id, dear.id].sort(), "trimmed, case-insensitive");
  t.deepEqual(await search("&minPrice=8000"), [mid.id, dear.id].sort(), "minPrice is inclusive");
  t.deepEqual(await search("&maxPrice=8000"), [cheap.id, mid.id].sort(), "maxPrice is inclusive");
  t.deepEqual(await search("&minPrice=4000&maxPrice=10000"), [mid.id]);
  t.deepEqual(await search("&guests=4"), [mid.id, dear.id].sort(), "guests up to maxGuests");
  t.deepEqual(await search("&guests=9"), []);
  t.deepEqual(await search("&guests=2&maxPrice=10000&country=Ethiopia"), [cheap.id]);
  const all = await api.get("/api/v1/listings?limit=100");
  t.true(
    all.body.data.some((l: { id: string }) => l.id === cheap.id),
    "no filter at all lists everything active",
  );
});

test("search validation: every bad filter is 400 validation_failed with its path", async (t) => {
  const cases: [string, string][] = [
    ["checkIn=2030-01-10", "checkOut"],
    ["checkOut=2030-01-10", "checkIn"],
    ["checkIn=2030-01-10&checkOut=2030-01-10", "checkOut"],
    ["checkIn=2030-01-10&checkOut=2030-01-09", "checkOut"],
    ["checkIn=2030-02-30&checkOut=2030-03-02", "checkIn"],
    ["checkIn=2030-1-5&checkOut=2030-01-09", "checkIn"],
    ["checkIn=tomorrow&checkOut=2030-01-09", "checkIn"],
    ["checkIn=0000-01-01&checkOut=0000-01-03", "checkIn"],
    ["minPrice=-1", "minPrice"],
    ["minPrice=abc", "minPrice"],
    ["maxPrice=1.5", "maxPrice"],
    ["minPrice=500&maxPrice=100", "maxPrice"],
    ["guests=0", "guests"],
    ["guests=51", "guests"],
    ["limit=0", "limit"],
    ["limit=101", "limit"],
    ["limit=ten", "limit"],
    ["cursor=not-a-cursor", "cursor"],
    [
      `cursor=${Buffer.from("v1:not-a-uuid").toString("base64url")}`, // our shape, but no row id in it
      "cursor",
    ],
    ["city=", "city"],
    ["city=a&city=b", "city"],
    ["city=%00", "city"],
  ];
  for (const [query, path] of cases) {
    const res = await api.get(`/api/v1/listings?${query}`);
    t.is(res.status, 400, query);
    t.is(res.body.error?.code, "validation_failed", query);
    t.true(
      res.body.error.details.some((d: { path: string }) => d.path === path),
      `${query} → ${JSON.stringify(res.body.error.details)}`,
    );
  }
});

test("date filter: confirmed bookings and live holds hide a listing; expired holds, cancelled bookings and touching stays do not", async (t) => {
  const [host, guest] = await Promise.all([createHost(), createGuest()]);
  const city = uniqueCity();
  const [confirmed, liveHold, expiredHold, cancelled, completed, touching, free] = await Promise.all(
    Array.from({ length: 7 }, () => createListing(host, { city })),
  );
  const stay = { checkIn: day(30), checkOut: day(33) };
  await createBooking(confirmed, guest, { checkIn: day(31), checkOut: day(32) });
  await createBooking(liveHold, guest, { checkIn: day(29), checkOut: day(31), status: "pending_payment" });
  await createBooking(expiredHold, guest, { ...stay, status: "pending_payment", expiresIn: "-1 second" });
  await createBooking(cancelled, guest, { ...stay, status: "cancelled" });
  await createBooking(completed, guest, { ...stay, status: "completed" });
  // Touching on both sides: one leaves the day we arrive, the next arrives the day we leave.
  await createBooking(touching, guest, { checkIn: day(27), checkOut: day(30) });
  await createBooking(touching, guest, { checkIn: day(33), checkOut: day(35), status: "pending_payment" });
  await invalidateAllSearches(redis); // rows written behind the commands' back

  const search = async (checkIn: string, checkOut: string) =>
    ids(
      (await api.get(`/api/v1/listings?city=${encodeURIComponent(city)}&checkIn=${checkIn}&checkOut=${checkOut}`)).body,
    );
  t.deepEqual(
    await search(stay.checkIn, stay.checkOut),
    [expiredHold.id, cancelled.id, completed.id, touching.id, free.id].sort(),
  );
  t.deepEqual((await search(day(29), day(30))).includes(touching.id), false, "a one-night overlap blocks");
  t.deepEqual((await search(day(35), day(40))).length, 7, "after every stay everything is free");

  // The date filter and the availability endpoint read the same rule.
  const blocked = await api.get(`/api/v1/listings/${touching.id}/availability`);
  t.deepEqual(blocked.body, {
    blocked: [
      { checkIn: day(27), checkOut: day(30) },
      { checkIn: day(33), checkOut: day(35) },
    ],
  });
  t.deepEqual((await api.get(`/api/v1/listings/${expiredHold.id}/availability`)).body, { blocked: [] });
});

test("cursor pagination is stable and complete, even when listings share created_at", async (t) => {
  const host = await createHost();
  const city = uniqueCity();
  const made = await Promise.all(Array.from({ length: 11 }, () => createListing(host, { city })));
  // Seven of them created in the very same microsecond: only the id orders them.
  await db().query("update listings set created_at = '2030-01-01T00:00:00.123456Z' where id = any($1::uuid[])", [
    made.slice(0, 7).map((l) => l.id),
  ]);
  await db().query("update listings set created_at = '2030-01-01T00:00:00.123457Z' where id = $1", [made[7].id]);
  await invalidateAllSearches(redis);
  const { rows } = await db().query("select id from listings where city = $1 order by created_at desc, id desc", [
    city,
  ]);
  const expected = rows.map((r) => r.id as string);

  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const query: string = `city=${encodeURIComponent(city)}&limit=3${cursor ? `&cursor=${cursor}` : ""}`;
    const res = await api.get(`/api/v1/listings?${query}`);
    t.is(res.status, 200);
    t.true(res.body.data.length <= 3);
    seen.push(...res.body.data.map((l: { id: string }) => l.id));
    cursor = res.body.nextCursor;
    pages += 1;
  } while (cursor && pages < 10);
  t.is(pages, 4);
  t.deepEqual(seen, expected, "every listing once, newest first, id breaking ties");

  const last = await api.get(`/api/v1/listings?city=${encodeURIComponent(city)}&limit=11`);
  t.is(last.body.data.length, 11);
  t.is(last.body.nextCursor, null, "no next page when the page holds the rest");
});

test("limit defaults to 20 and accepts up to 100", async (t) => {
  const host = await createHost();
  const city = uniqueCity();
  await Promise.all(Array.from({ length: 22 }, () => createListing(host, { city })));
  // The generated client: `limit` is typed as the integer the document says it is.
  const first = await api.typed.GET("/api/v1/listings", { params: { query: { city } } });
  t.is(first.data?.data.length, 20);
  t.truthy(first.data?.nextCursor);
  const all = await api.typed.GET("/api/v1/listings", { params: { query: { city, limit: 100 } } });
  t.is(all.data?.data.length, 22);
  t.is(all.data?.nextCursor, null);
});

test("availability: blocked stays by check-in, optionally within from/to; bad windows are 400", async (t) => {
  const [host, guest] = await Promise.all([createHost(), createGuest()]);
  const listing = await createListing(host);
  await createBooking(listing, guest, {
    checkIn: day(20),
    checkOut: day(22),
    status: "pending_payment",
    expiresIn: "10 minutes",
  });
  await createBooking(listing, guest, { checkIn: day(10), checkOut: day(12) });
  await createBooking(listing, guest, { checkIn: day(12), checkOut: day(14), status: "cancelled" });
  await invalidateAllSearches(redis); // rows written behind the commands' back
  const all = await api.get(`/api/v1/listings/${listing.id}/availability`);
  t.deepEqual(all.body.blocked, [
    { checkIn: day(10), checkOut: day(12) },
    { checkIn: day(20), checkOut: day(22) },
  ]);
  const window = await api.get(`/api/v1/listings/${listing.id}/availability?from=${day(12)}&to=${day(21)}`);
  t.deepEqual(window.body.blocked, [{ checkIn: day(20), checkOut: day(22) }], "a stay ending on `from` is outside");
  const open = await api.get(`/api/v1/listings/${listing.id}/availability?from=${day(15)}`);
  t.deepEqual(open.body.blocked, [{ checkIn: day(20), checkOut: day(22) }]);
  for (const [query, path] of [
    ["from=2030-13-01", "from"],
    ["to=yesterday", "to"],
    [`from=${day(5)}&to=${day(5)}`, "to"],
  ]) {
    const res = await api.get(`/api/v1/listings/${listing.id}/availability?${query}`);
    t.is(res.status, 400, query);
    t.is(res.body.error.details[0].path, path);
  }
});

test("every listing route is described in the OpenAPI document", (t) => {
  const doc = buildOpenApiDocument();
  const paths = doc.paths ?? {};
  t.truthy(paths["/api/v1/listings"]?.get);
  t.truthy(paths["/api/v1/listings"]?.post);
  t.truthy(paths["/api/v1/listings/{id}"]?.get);
  t.truthy(paths["/api/v1/listings/{id}"]?.patch);
  t.truthy(paths["/api/v1/listings/{id}"]?.delete);
  t.truthy(paths["/api/v1/listings/{id}/availability"]?.get);
  t.truthy(paths["/api/v1/listings/{id}/reviews"]?.get);
  t.truthy(paths["/api/v1/bookings/{id}/review"]?.post);
  const queryNames = (paths["/api/v1/listings"]?.get?.parameters ?? []).map((p) => ("name" in p ? p.name : ""));
  for (const name of ["city", "country", "minPrice", "maxPrice", "guests", "checkIn", "checkOut", "limit", "cursor"]) {
    t.true(queryNames.includes(name), `query parameter ${name} documented`);
  }
});
