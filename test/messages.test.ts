import "./helpers/env.js";
import test from "ava";
import { createAdmin, createGuest, createHost, createListing, day, db, type TestUser } from "./helpers/factories.js";
import { useApp } from "./helpers/useApp.js";

const { api } = useApp();
let host: TestUser;
let listingId: string;
let nextDay = 1;

test.serial.before(async () => {
  host = await createHost({ name: "Hana Host" });
  listingId = (await createListing(host)).id;
});

async function bookingOf(guest: TestUser): Promise<string> {
  const checkIn = day(nextDay);
  nextDay += 2;
  const res = await api.post(
    "/api/v1/bookings",
    { listingId, checkIn, checkOut: day(nextDay - 1), guests: 1 },
    guest.auth,
  );
  return res.body.booking.id;
}

const path = (bookingId: string) => `/api/v1/bookings/${bookingId}/messages`;

test("guest and host talk about the stay; both read the conversation oldest first", async (t) => {
  const guest = await createGuest({ name: "Gete Guest" });
  const id = await bookingOf(guest);
  const first = await api.post(path(id), { body: "  Hello! Is early check-in possible?  " }, guest.auth);
  t.is(first.status, 201, JSON.stringify(first.body));
  t.like(first.body.message, {
    bookingId: id,
    senderId: guest.id,
    senderName: "Gete Guest",
    body: "Hello! Is early check-in possible?",
  });
  t.truthy(Date.parse(first.body.message.createdAt));
  const reply = await api.post(path(id), { body: "Yes, from 11:00." }, host.auth);
  t.is(reply.status, 201);
  t.is(reply.body.message.senderName, "Hana Host");
  for (const reader of [guest, host]) {
    const res = await api.get(path(id), reader.auth);
    t.is(res.status, 200);
    t.deepEqual(
      res.body.data.map((m: { body: string }) => m.body),
      ["Hello! Is early check-in possible?", "Yes, from 11:00."],
    );
    t.is(res.body.nextCursor, null);
  }
});

test("each message writes one message.created event for guest and host", async (t) => {
  const guest = await createGuest();
  const id = await bookingOf(guest);
  const res = await api.post(path(id), { body: "ping" }, host.auth);
  const { rows } = await db().query(
    "select type, user_ids::text[] as user_ids, listing_id, data from events where type = 'message.created' and data->>'bookingId' = $1",
    [id],
  );
  t.is(rows.length, 1);
  t.deepEqual(rows[0].user_ids, [guest.id, host.id]);
  t.is(rows[0].listing_id, null);
  t.deepEqual(rows[0].data, res.body.message);
});

test("messages page oldest first with an opaque cursor", async (t) => {
  const guest = await createGuest();
  const id = await bookingOf(guest);
  for (let i = 1; i <= 5; i++) await api.post(path(id), { body: `message ${i}` }, i % 2 ? guest.auth : host.auth);
  const seen: string[][] = [];
  let cursor: string | null = null;
  do {
    const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
    const res = await api.get(`${path(id)}?limit=2${q}`, guest.auth);
    t.is(res.status, 200);
    seen.push(res.body.data.map((m: { body: string }) => m.body));
    cursor = res.body.nextCursor;
  } while (cursor);
  t.deepEqual(seen, [["message 1", "message 2"], ["message 3", "message 4"], ["message 5"]]);
  for (const q of ["limit=0", "limit=101", "cursor=%%%"]) {
    const res = await api.get(`${path(id)}?${q}`, guest.auth);
    t.is(res.status, 400, q);
    t.is(res.body.error.code, "validation_failed");
  }
});

test("message bodies: 1 to 5000 characters after trimming, a string", async (t) => {
  const guest = await createGuest();
  const id = await bookingOf(guest);
  for (const body of [{ body: "" }, { body: "   " }, { body: "x".repeat(5001) }, { body: 42 }, {}, { text: "hi" }]) {
    const res = await api.post(path(id), body, guest.auth);
    t.is(res.status, 400, JSON.stringify(body).slice(0, 40));
    t.is(res.body.error.code, "validation_failed");
    t.is(res.body.error.details[0].path, "body");
  }
  t.is((await api.post(path(id), { body: "x".repeat(5000) }, guest.auth)).status, 201);
  const malformed = await api.call("POST", path(id), {
    raw: '{"body": ',
    headers: { ...guest.auth, "content-type": "application/json" },
  });
  t.is(malformed.status, 400);
  t.is(malformed.body.error.code, "invalid_json");
});

test("authorization matrix: read and write a booking's messages", async (t) => {
  const owner = await createGuest();
  const otherGuest = await createGuest();
  const otherHost = await createHost();
  const admin = await createAdmin();
  const id = await bookingOf(owner);
  const matrix: [string, Record<string, string> | undefined, number, number][] = [
    // who, auth, GET status, POST status
    ["anonymous", undefined, 401, 401],
    ["guest owner", owner.auth, 200, 201],
    ["other guest", otherGuest.auth, 404, 404],
    ["listing host", host.auth, 200, 201],
    ["other host", otherHost.auth, 404, 404],
    ["admin", admin.auth, 200, 403],
  ];
  for (const [who, auth, read, write] of matrix) {
    const get = await api.get(path(id), auth);
    t.is(get.status, read, `GET as ${who}`);
    const post = await api.post(path(id), { body: `from ${who}` }, auth);
    t.is(post.status, write, `POST as ${who}`);
    if (write >= 400) t.is(post.body.error.code, { 401: "unauthenticated", 403: "forbidden", 404: "not_found" }[write]);
  }
  const { rows } = await db().query("select count(*)::int as n from messages where booking_id = $1", [id]);
  t.is(rows[0].n, 2, "only the guest's and the host's messages were stored");
  for (const missing of ["00000000-0000-4000-8000-000000000000", "nope"]) {
    t.is((await api.get(path(missing), owner.auth)).status, 404);
    t.is((await api.post(path(missing), { body: "hi" }, owner.auth)).status, 404);
  }
});
