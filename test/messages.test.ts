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
    "select type, user_ids::text[] as user_ids, listing_id, data from committed_events where type = 'message.created' and data->>'bookingId' = $1",
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

test("a burst of 100 messages on a cancelled throw-away hold: only RATE_LIMIT_MESSAGES_PER_USER get through, the rest 429", async (t) => {
  const guest = await createGuest();
  const id = await bookingOf(guest);
  t.is((await api.post(`/api/v1/bookings/${id}/cancel`, {}, guest.auth)).status, 200);
  const answers = await Promise.all(
    Array.from({ length: 100 }, (_, i) => api.post(path(id), { body: `spam ${i}` }, guest.auth)),
  );
  const created = answers.filter((a) => a.status === 201).length;
  const limited = answers.filter((a) => a.status === 429);
  t.is(created, 30, "the per-user limit (30 a minute by default); a recently cancelled booking's conversation is open");
  t.is(limited.length, 70);
  for (const a of limited) {
    t.is(a.body.error.code, "rate_limited");
    t.true(Number(a.headers.get("retry-after")) >= 1);
  }
  const { rows } = await db().query("select count(*)::int as n from messages where booking_id = $1", [id]);
  t.is(rows[0].n, 30);
  // Per user: the host of the same booking is not limited by the guest's flood.
  t.is((await api.post(path(id), { body: "Stop, please." }, host.auth)).status, 201);
});

test("the conversation closes 14 days after the booking ended: cancelled/expired when they became so, completed at check-out", async (t) => {
  const guest = await createGuest();
  const post = async (id: string) => api.post(path(id), { body: "still there?" }, guest.auth);
  const utcToday = "(now() at time zone 'utc')::date";
  const ended = async (status: string, daysAgo: number) => {
    const id = await bookingOf(guest);
    if (status === "completed") {
      // Checked out daysAgo days ago (a past stay, so it no longer takes part in the overlap rule).
      await db().query(
        `update bookings set status = 'completed', check_in = ${utcToday} - $2::int - 2, check_out = ${utcToday} - $2::int
          where id = $1`,
        [id, daysAgo],
      );
    } else {
      await db().query("update bookings set status = $2 where id = $1", [id, status]);
      // hold_ended_at cleared too: this guest's next hold on the listing is not under a cooldown (holdLimits.test.ts).
      await db().query(
        "update bookings set status_changed_at = now() - $2::int * interval '1 day', hold_ended_at = null where id = $1",
        [id, daysAgo],
      );
    }
    return id;
  };
  for (const status of ["cancelled", "expired", "completed"]) {
    const recent = await ended(status, 13);
    t.is((await post(recent)).status, 201, `${status} 13 days ago: open`);
    const old = await ended(status, 15);
    const refused = await post(old);
    t.is(refused.status, 409, `${status} 15 days ago: closed`);
    t.is(refused.body.error.code, "conversation_closed");
    t.is((await api.post(path(old), { body: "from the host" }, host.auth)).status, 409);
    const read = await api.get(path(old), guest.auth);
    t.is(read.status, 200, "a closed conversation stays readable");
  }
  // A later write to the booking (a note, updated_at) does not reopen it: the end is the status change.
  const cancelled = await ended("cancelled", 15);
  await db().query("update bookings set note = 'refunded late', updated_at = now() where id = $1", [cancelled]);
  t.is((await post(cancelled)).status, 409);
  // The trigger records the status change itself.
  const fresh = await bookingOf(guest);
  await db().query("update bookings set status_changed_at = now() - interval '30 days' where id = $1", [fresh]);
  t.is((await post(fresh)).status, 201, "an active booking's conversation is open whenever it began");
  await db().query("update bookings set status = 'cancelled' where id = $1", [fresh]);
  const { rows } = await db().query(
    "select status_changed_at > now() - interval '1 minute' as now from bookings where id = $1",
    [fresh],
  );
  t.true(rows[0].now, "status_changed_at moved with the status");
  t.is((await post(fresh)).status, 201);
});
