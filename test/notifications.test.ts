import "./helpers/env.js";

import test from "ava";
import { initOrm, type Orm } from "../shared/db/orm.js";
import { createGuest, createHost, createListing, day, db, type TestUser } from "./helpers/factories.js";
import { emitEvents } from "./helpers/sockets.js";
import { useApp } from "./helpers/useApp.js";

let orm: Orm;
const { api } = useApp();

test.serial.before(async () => {
  orm = await initOrm();
});
test.after.always(async () => {
  await orm?.close();
});

const listAll = (user: TestUser, query = "") => api.get(`/api/v1/notifications${query}`, user.auth);

test("the caller's events, oldest first, with the same ids as on the socket, paged with after", async (t) => {
  const host = await createHost();
  const guest = await createGuest();
  const listing = await createListing(host, { title: "Cabin" });
  const booked = await api.post(
    "/api/v1/bookings",
    { listingId: listing.id, checkIn: day(3), checkOut: day(5), guests: 1 },
    guest.auth,
  );
  t.is(booked.status, 201);
  const bookingId = booked.body.booking.id;
  await api.post(`/api/v1/bookings/${bookingId}/messages`, { body: "Hi!" }, guest.auth);
  await api.post(`/api/v1/bookings/${bookingId}/cancel`, {}, guest.auth);

  const hostPage = await listAll(host);
  t.is(hostPage.status, 200);
  t.deepEqual(
    hostPage.body.data.map((e: { type: string }) => e.type),
    ["booking.created", "message.created", "booking.updated"],
  );
  t.is(hostPage.body.unread, 3);
  t.is(hostPage.body.nextCursor, null);
  const [created] = hostPage.body.data;
  t.is(created.data.id, bookingId);
  t.is(created.data.listingTitle, "Cabin");
  t.truthy(Date.parse(created.at));
  const ids = hostPage.body.data.map((e: { id: number }) => e.id);
  t.deepEqual(
    ids,
    [...ids].sort((a, b) => a - b),
  );
  const stored = await db().query("select id from public_events where user_ids @> array[$1]::uuid[] order by id", [
    host.id,
  ]);
  t.deepEqual(
    ids,
    stored.rows.map((r) => Number(r.id)),
  );

  const guestPage = await listAll(guest);
  t.deepEqual(
    guestPage.body.data.map((e: { type: string }) => e.type),
    ["message.created", "booking.updated"],
    "no booking.created (the host's alert), no listing.availability (live-only feed)",
  );

  const first = await listAll(host, "?limit=2");
  t.is(first.body.data.length, 2);
  t.is(first.body.nextCursor, String(ids[1]));
  const second = await listAll(host, `?limit=2&after=${first.body.nextCursor}`);
  t.deepEqual(
    second.body.data.map((e: { id: number }) => e.id),
    [ids[2]],
  );
  t.is(second.body.nextCursor, null);
  t.deepEqual((await listAll(await createGuest())).body, { data: [], nextCursor: null, unread: 0 });
});

test("read marks: unread counts what is newer, the mark never moves back nor past the newest event", async (t) => {
  const user = await createGuest();
  const other = await createGuest();
  const event = (u: TestUser) => ({
    type: "listing.availability" as const,
    userIds: [u.id],
    data: { listingId: u.id, blocked: [] },
  });
  await emitEvents(orm, [event(user), event(other), event(user), event(user)]);
  const ids = (await listAll(user)).body.data.map((e: { id: number }) => e.id);
  t.is(ids.length, 3);
  t.is((await listAll(user)).body.unread, 3);

  const read = await api.post("/api/v1/notifications/read", { upTo: ids[1] }, user.auth);
  t.is(read.status, 200);
  t.deepEqual(read.body, { readUpTo: ids[1], unread: 1 });
  t.is((await listAll(user)).body.unread, 1);
  t.is((await listAll(other)).body.unread, 1, "someone else's mark is untouched");

  const back = await api.post("/api/v1/notifications/read", { upTo: ids[0] }, user.auth);
  t.deepEqual(back.body, { readUpTo: ids[1], unread: 1 }, "an older upTo changes nothing");

  const ahead = await api.post("/api/v1/notifications/read", { upTo: 9_000_000_000 }, user.auth);
  const newest = Number((await db().query("select max(id) as id from public_events")).rows[0].id);
  t.is(ahead.body.unread, 0);
  t.true(ahead.body.readUpTo >= ids[2] && ahead.body.readUpTo <= newest, "capped at the newest event that exists");
  await emitEvents(orm, [event(user)]);
  t.is((await listAll(user)).body.unread, 1, "a later event is born unread");
});

test("bad input is a 400 validation_failed, no token a 401", async (t) => {
  const user = await createGuest();
  for (const query of ["?after=-1", "?after=abc", "?limit=0", "?limit=101", "?after=1.5"]) {
    const res = await listAll(user, query);
    t.is(res.status, 400, query);
    t.is(res.body.error.code, "validation_failed");
  }
  for (const body of [{}, { upTo: -1 }, { upTo: "x" }, { upTo: 1.5 }]) {
    const res = await api.post("/api/v1/notifications/read", body, user.auth);
    t.is(res.status, 400, JSON.stringify(body));
    t.is(res.body.error.code, "validation_failed");
  }
  t.is((await api.get("/api/v1/notifications")).status, 401);
  t.is((await api.post("/api/v1/notifications/read", { upTo: 1 })).status, 401);
});
