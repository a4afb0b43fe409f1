import "./helpers/env.js";
import test from "ava";
import {
  createAdmin,
  createGuest,
  createHost,
  createListing,
  day,
  db,
  type TestListing,
  type TestUser,
} from "./helpers/factories.js";
import { useApp } from "./helpers/useApp.js";

const { api } = useApp();
let host: TestUser;
let listing: TestListing;
let offset = 10;

test.serial.before(async () => {
  host = await createHost({ name: "Hana Host" });
  listing = await createListing(host, { pricePerNight: 12_550, maxGuests: 3, title: "Lake house" });
});

/** A fresh stay on `listing` that no other test uses. */
function freshStay(nights = 2) {
  const checkIn = day(offset);
  offset += nights + 1;
  return { listingId: listing.id, checkIn, checkOut: day(offset - 1), guests: 2 };
}

async function book(guest: TestUser, body: Record<string, unknown> = freshStay()) {
  const res = await api.post("/api/v1/bookings", body, guest.auth);
  return res;
}

test("a guest holds dates: 201 pending_payment, expiresAt after the hold time, price = nights × price", async (t) => {
  const guest = await createGuest({ name: "Gete Guest" });
  const stay = { ...freshStay(3), guests: 3 };
  const before = Date.now();
  const res = await book(guest, stay);
  t.is(res.status, 201, JSON.stringify(res.body));
  const b = res.body.booking;
  t.like(b, {
    listingId: listing.id,
    listingTitle: "Lake house",
    guestId: guest.id,
    guestName: "Gete Guest",
    hostId: host.id,
    checkIn: stay.checkIn,
    checkOut: stay.checkOut,
    nights: 3,
    guests: 3,
    totalPrice: 3 * 12_550,
    currency: "ETB",
    status: "pending_payment",
  });
  const expiresIn = Date.parse(b.expiresAt) - before;
  t.true(expiresIn > 14 * 60_000 && expiresIn <= 15 * 60_000 + 5000, `expires in ${expiresIn} ms`);
  const { rows } = await db().query("select total_price, status from bookings where id = $1", [b.id]);
  t.deepEqual(rows[0], { total_price: 37_650, status: "pending_payment" });
});

test("creating a booking writes booking.created for the host, listing.availability and two emails", async (t) => {
  const guest = await createGuest();
  const own = await createListing(host, { title: "Lake house", pricePerNight: 12_550 });
  const res = await book(guest, { listingId: own.id, checkIn: day(3), checkOut: day(5), guests: 1 });
  const id = res.body.booking.id;
  const { rows: events } = await db().query(
    "select type, user_ids::text[] as user_ids, listing_id, data from committed_events where data->>'id' = $1 or listing_id = $2 order by stage, seq",
    [id, own.id],
  );
  t.deepEqual(
    events.map((e) => e.type),
    ["booking.created", "listing.availability"],
  );
  t.deepEqual(events[0].user_ids, [host.id]);
  t.like(events[0].data, { id, guestName: guest.name, listingTitle: "Lake house", totalPrice: 2 * 12_550 });
  t.deepEqual(events[1].user_ids, []);
  t.deepEqual(events[1].data, { listingId: own.id, blocked: [{ checkIn: day(3), checkOut: day(5) }] });
  const { rows: effects } = await db().query(
    "select key, payload from side_effects where payload->>'bookingId' = $1 order by key",
    [id],
  );
  t.deepEqual(
    effects.map((e) => [e.key, e.payload.recipientUserId]),
    [
      [`email:booking_alert_host:${id}`, host.id],
      [`email:booking_held_guest:${id}`, guest.id],
    ],
  );
});

test("the hold's 201 body, its booking.created event and GET agree field by field; blocked matches availability", async (t) => {
  // The hold is written by one SQL function (hold_booking_dates); it and the reads build the booking's
  // JSON with booking_view() and the blocked stays with booking_blocks_dates() and stay_range_json(), so they agree by
  // construction. This proves it end to end (201 body, event, GET, availability).
  const guest = await createGuest({ name: "Parity Guest" });
  const own = await createListing(host, { title: "Parity house", pricePerNight: 9_990, maxGuests: 2 });
  const other = await createGuest();
  t.is((await book(other, { listingId: own.id, checkIn: day(20), checkOut: day(21), guests: 1 })).status, 201);
  const res = await book(guest, { listingId: own.id, checkIn: day(8), checkOut: day(12), guests: 2 });
  t.is(res.status, 201, JSON.stringify(res.body));
  const read = await api.get(`/api/v1/bookings/${res.body.booking.id}`, guest.auth);
  t.deepEqual(res.body.booking, read.body.booking);
  const { rows } = await db().query(
    "select type, data from committed_events where (type = 'booking.created' and data->>'id' = $1) or listing_id = $2 order by stage desc, seq desc",
    [res.body.booking.id, own.id],
  );
  t.deepEqual(rows.find((r) => r.type === "booking.created")?.data, read.body.booking);
  const availability = await api.get(`/api/v1/listings/${own.id}/availability`);
  t.deepEqual(rows.find((r) => r.type === "listing.availability")?.data, {
    listingId: own.id,
    blocked: availability.body.blocked,
  });
  t.is(availability.body.blocked.length, 2);
});

test("every validation rule answers 400 validation_failed naming the field", async (t) => {
  const guest = await createGuest();
  const ok = freshStay();
  const cases: [string, unknown, string][] = [
    ["not a real date", { ...ok, checkIn: "2030-02-30", checkOut: "2030-03-02" }, "checkIn"],
    ["not YYYY-MM-DD", { ...ok, checkOut: "03/02/2030" }, "checkOut"],
    ["check-in in the past", { ...ok, checkIn: day(-1), checkOut: day(2) }, "checkIn"],
    ["check-out before check-in", { ...ok, checkIn: day(5), checkOut: day(4) }, "checkOut"],
    ["zero nights", { ...ok, checkIn: day(5), checkOut: day(5) }, "checkOut"],
    ["366 nights", { ...ok, checkIn: day(1), checkOut: day(367) }, "checkOut"],
    ["guests 0", { ...ok, guests: 0 }, "guests"],
    ["guests 1.5", { ...ok, guests: 1.5 }, "guests"],
    ["guests as a string", { ...ok, guests: "2" }, "guests"],
    ["more guests than the listing takes", { ...ok, guests: 4 }, "guests"],
    ["listing id not a uuid", { ...ok, listingId: "abc" }, "listingId"],
    ["missing listing id", { ...ok, listingId: undefined }, "listingId"],
    ["body not an object", [1, 2], "(body)"],
  ];
  for (const [name, body, path] of cases) {
    const res = await book(guest, body as Record<string, unknown>);
    t.is(res.status, 400, name);
    t.is(res.body.error?.code, "validation_failed", name);
    t.true(
      res.body.error.details.some((d: { path: string }) => d.path === path),
      `${name}: ${JSON.stringify(res.body.error.details)}`,
    );
  }
  const { rows } = await db().query("select count(*)::int as n from bookings where guest_id = $1", [guest.id]);
  t.is(rows[0].n, 0, "nothing was booked");
});

test("edge dates: today (UTC) is bookable, 365 nights is allowed, 29 February of a leap year is a date", async (t) => {
  const guest = await createGuest();
  const other = await createListing(host, { pricePerNight: 100 });
  const today = await book(guest, { listingId: other.id, checkIn: day(0), checkOut: day(1), guests: 1 });
  t.is(today.status, 201, JSON.stringify(today.body));
  const year = await book(guest, { listingId: other.id, checkIn: day(1), checkOut: day(366), guests: 1 });
  t.is(year.status, 201, JSON.stringify(year.body));
  t.is(year.body.booking.totalPrice, 365 * 100);
  const leap = await createListing(host);
  const res = await book(guest, { listingId: leap.id, checkIn: "2032-02-28", checkOut: "2032-03-01", guests: 1 });
  t.is(res.status, 201);
  t.is(res.body.booking.nights, 2);
});

test("malformed JSON, wrong content type and no token have their own codes", async (t) => {
  const guest = await createGuest();
  const bad = await api.call("POST", "/api/v1/bookings", {
    raw: "{listingId:",
    headers: { ...guest.auth, "content-type": "application/json" },
  });
  t.is(bad.status, 400);
  t.is(bad.body.error.code, "invalid_json");
  const text = await api.call("POST", "/api/v1/bookings", {
    raw: "hello",
    headers: { ...guest.auth, "content-type": "text/plain" },
  });
  t.is(text.status, 415);
  const anonymous = await api.post("/api/v1/bookings", freshStay());
  t.is(anonymous.status, 401);
  t.is(anonymous.body.error.code, "unauthenticated");
  const forged = await api.post("/api/v1/bookings", freshStay(), { authorization: "Bearer not.a.token" });
  t.is(forged.status, 401);
});

test("unknown and archived listings are 404; a host booking their own listing is 403", async (t) => {
  const guest = await createGuest();
  const unknown = await book(guest, { ...freshStay(), listingId: "00000000-0000-4000-8000-000000000000" });
  t.is(unknown.status, 404);
  t.is(unknown.body.error.code, "not_found");
  const archived = await createListing(host);
  await db().query("update listings set status = 'archived' where id = $1", [archived.id]);
  const res = await book(guest, { ...freshStay(), listingId: archived.id });
  t.is(res.status, 404);
  const own = await book(host, freshStay());
  t.is(own.status, 403);
  t.is(own.body.error.code, "forbidden");
  const otherHost = await createHost();
  t.is((await book(otherHost, freshStay())).status, 201, "a host may book someone else's listing");
  const admin = await createAdmin();
  t.is((await book(admin, freshStay())).status, 201, "any user may book");
});

test("overlapping dates are 409 dates_unavailable; touching stays are both fine", async (t) => {
  const [a, b, c] = await Promise.all([createGuest(), createGuest(), createGuest()]);
  const own = await createListing(host);
  const stay = (from: number, to: number) => ({ listingId: own.id, checkIn: day(from), checkOut: day(to), guests: 1 });
  t.is((await book(a, stay(10, 14))).status, 201);
  for (const [from, to] of [
    [11, 17],
    [8, 11],
    [10, 14],
    [12, 13],
    [5, 20],
  ]) {
    const overlap = await book(b, stay(from, to));
    t.is(overlap.status, 409, `${from}-${to}`);
    t.is(overlap.body.error.code, "dates_unavailable");
  }
  t.is((await book(c, stay(14, 16))).status, 201, "starts on the other's check-out day");
  t.is((await book(c, stay(8, 10))).status, 201, "ends on the other's check-in day");
  const { rows } = await db().query("select count(*)::int as n from bookings where listing_id = $1", [own.id]);
  t.is(rows[0].n, 3);
});

test("cancel: guest, host and admin may; twice is 409 invalid_transition; the dates free up", async (t) => {
  const admin = await createAdmin();
  for (const who of ["guest", "host", "admin"] as const) {
    const guest = await createGuest();
    const stay = freshStay();
    const created = await book(guest, stay);
    const actor = who === "guest" ? guest : who === "host" ? host : admin;
    const res = await api.post(`/api/v1/bookings/${created.body.booking.id}/cancel`, {}, actor.auth);
    t.is(res.status, 200, `${who}: ${JSON.stringify(res.body)}`);
    t.is(res.body.booking.status, "cancelled");
    t.is(res.body.booking.expiresAt, null);
    t.is(res.body.booking.note, `Cancelled by the ${who}.`);
    const again = await api.post(`/api/v1/bookings/${created.body.booking.id}/cancel`, {}, actor.auth);
    t.is(again.status, 409);
    t.is(again.body.error.code, "invalid_transition");
    t.is((await book(await createGuest(), stay)).status, 201, `${who}: the dates are free again`);
  }
});

test("cancelling writes booking.updated for guest and host, listing.availability and two emails", async (t) => {
  const guest = await createGuest();
  const own = await createListing(host);
  const created = await book(guest, { listingId: own.id, checkIn: day(3), checkOut: day(5), guests: 1 });
  const id = created.body.booking.id;
  // Events of the cancel: written by a transaction that starts after this mark (now(): its start).
  const { rows: mark } = await db().query("select clock_timestamp() as at");
  await api.post(`/api/v1/bookings/${id}/cancel`, {}, guest.auth);
  const { rows } = await db().query(
    `select type, user_ids::text[] as user_ids, listing_id, data from committed_events
      where created_at > $1 and (data->>'id' = $2 or listing_id = $3) order by stage, seq`,
    [mark[0].at, id, own.id],
  );
  t.deepEqual(
    rows.map((e) => e.type),
    ["booking.updated", "listing.availability"],
  );
  t.deepEqual(rows[0].user_ids, [guest.id, host.id]);
  t.is(rows[0].data.status, "cancelled");
  t.is(rows[1].listing_id, own.id);
  t.deepEqual(rows[1].data, { listingId: own.id, blocked: [] });
  const { rows: effects } = await db().query(
    "select key from side_effects where payload->>'bookingId' = $1 order by key",
    [id],
  );
  t.deepEqual(
    effects.map((e) => e.key).filter((k) => k.includes("cancelled")),
    [`email:booking_cancelled_guest:${id}`, `email:booking_cancelled_host:${id}`],
  );
});

test("cancelling a confirmed, paid booking requests a refund of its payment", async (t) => {
  const guest = await createGuest();
  const created = await book(guest);
  const id = created.body.booking.id;
  await db().query("update bookings set status = 'confirmed' where id = $1", [id]);
  const {
    rows: [payment],
  } = await db().query(
    `insert into payments (booking_id, tx_ref, status, amount, currency, mode)
     values ($1, $2, 'succeeded', $3, 'ETB', 'test') returning id`,
    [id, `tx-${id}`, created.body.booking.totalPrice],
  );
  const res = await api.post(`/api/v1/bookings/${id}/cancel`, {}, host.auth);
  t.is(res.status, 200);
  const { rows } = await db().query("select refund_status from payments where id = $1", [payment.id]);
  t.is(rows[0].refund_status, "requested");
  const { rows: effects } = await db().query("select kind, payload from side_effects where key = $1", [
    `refund:${payment.id}`,
  ]);
  t.is(effects[0].kind, "refund");
  t.like(effects[0].payload, { paymentId: payment.id, reason: "booking cancelled by the host" });
});

test("completed and expired bookings cannot be cancelled", async (t) => {
  for (const status of ["completed", "expired"]) {
    const guest = await createGuest();
    const created = await book(guest);
    await db().query("update bookings set status = $2 where id = $1", [created.body.booking.id, status]);
    const res = await api.post(`/api/v1/bookings/${created.body.booking.id}/cancel`, {}, guest.auth);
    t.is(res.status, 409);
    t.is(res.body.error.code, "invalid_transition");
  }
});

test("authorization matrix: read and cancel a booking", async (t) => {
  const owner = await createGuest();
  const otherGuest = await createGuest();
  const otherHost = await createHost();
  const admin = await createAdmin();
  const created = await book(owner);
  const id = created.body.booking.id;
  const expected: [string, Record<string, string> | undefined, number][] = [
    ["anonymous", undefined, 401],
    ["guest owner", owner.auth, 200],
    ["other guest", otherGuest.auth, 404],
    ["listing host", host.auth, 200],
    ["other host", otherHost.auth, 404],
    ["admin", admin.auth, 200],
  ];
  for (const [who, auth, status] of expected) {
    const res = await api.get(`/api/v1/bookings/${id}`, auth);
    t.is(res.status, status, `GET as ${who}`);
    if (status === 200) t.is(res.body.booking.id, id);
    if (status === 404) t.is(res.body.error.code, "not_found");
  }
  // Refusals first: none of them may change anything.
  for (const [who, auth, status] of expected.filter(([, , s]) => s !== 200)) {
    const res = await api.post(`/api/v1/bookings/${id}/cancel`, {}, auth);
    t.is(res.status, status, `cancel as ${who}`);
  }
  const { rows } = await db().query("select status from bookings where id = $1", [id]);
  t.is(rows[0].status, "pending_payment");
  t.is((await api.get("/api/v1/bookings/not-a-uuid", owner.auth)).status, 404);
  t.is((await api.get("/api/v1/bookings/00000000-0000-4000-8000-000000000000", admin.auth)).status, 404);
});

test("lists: own bookings as guest, bookings on own listings as host, status filter, cursor pages", async (t) => {
  const guest = await createGuest();
  const someoneElse = await createGuest();
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    ids.push((await book(guest)).body.booking.id);
    // Paid at once (as if): a guest may have only MAX_ACTIVE_HOLDS_PER_USER unpaid holds at a time.
    await db().query("update bookings set status = 'confirmed' where id = $1", [ids[i]]);
  }
  await book(someoneElse);
  await api.post(`/api/v1/bookings/${ids[0]}/cancel`, {}, guest.auth);

  const pages: string[][] = [];
  let cursor: string | null = null;
  do {
    const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
    const res = await api.get(`/api/v1/bookings?limit=2${q}`, guest.auth);
    t.is(res.status, 200);
    pages.push(res.body.data.map((b: { id: string }) => b.id));
    cursor = res.body.nextCursor;
  } while (cursor);
  t.deepEqual(pages, [[ids[4], ids[3]], [ids[2], ids[1]], [ids[0]]]);

  const cancelled = await api.get("/api/v1/bookings?status=cancelled", guest.auth);
  t.deepEqual(
    cancelled.body.data.map((b: { id: string }) => b.id),
    [ids[0]],
  );
  const asHost = await api.get("/api/v1/bookings?as=host&limit=100", host.auth);
  t.true(ids.every((id) => asHost.body.data.some((b: { id: string }) => b.id === id)));
  t.true(asHost.body.data.every((b: { hostId: string }) => b.hostId === host.id));
  const guestAsHost = await api.get("/api/v1/bookings?as=host", guest.auth);
  t.deepEqual(guestAsHost.body, { data: [], nextCursor: null });
  const defaultPage = await api.get("/api/v1/bookings", guest.auth);
  t.is(defaultPage.body.data.length, 5);

  for (const q of ["limit=0", "limit=101", "limit=x", "cursor=bogus", "as=owner", "status=paid"]) {
    const res = await api.get(`/api/v1/bookings?${q}`, guest.auth);
    t.is(res.status, 400, q);
    t.is(res.body.error.code, "validation_failed", q);
  }
  t.is((await api.get("/api/v1/bookings")).status, 401);
});

test("the OpenAPI document describes every bookings route", async (t) => {
  const res = await api.get("/api/v1/openapi.json");
  t.is(res.status, 200);
  for (const path of [
    "/api/v1/bookings",
    "/api/v1/bookings/{id}",
    "/api/v1/bookings/{id}/cancel",
    "/api/v1/bookings/{id}/messages",
  ]) {
    t.truthy(res.body.paths[path], path);
  }
  t.truthy(res.body.paths["/api/v1/bookings"].post.requestBody);
});
