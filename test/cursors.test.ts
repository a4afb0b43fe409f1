import "./helpers/env.js";
import { createHmac } from "node:crypto";
import test from "ava";
import { config } from "../shared/config.js";
import { createAdmin, createGuest, createHost, createListing, day, db, type TestUser } from "./helpers/factories.js";
import type { ApiResponse } from "./helpers/http.js";
import { useApp } from "./helpers/useApp.js";

/**
 * Issue 12: a cursor carries the sort key of the page's last row, and the next page compares keys.
 * A cursor naming another user's row (the old scheme: a row id, looked up) must position nothing.
 */
const { api } = useApp();

let host: TestUser;
let listingId: string;
let nextDay = 2;
test.serial.before(async () => {
  host = await createHost();
  listingId = (await createListing(host)).id;
});

async function book(guest: TestUser): Promise<string> {
  const checkIn = day(nextDay);
  nextDay += 2;
  const res = await api.post(
    "/api/v1/bookings",
    { listingId, checkIn, checkOut: day(nextDay - 1), guests: 1 },
    guest.auth,
  );
  if (res.status !== 201) throw new Error(`booking: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.booking.id;
}

/** What the old API handed out as a cursor: a row id, base64url. */
const idCursor = (id: string) => Buffer.from(`v1:${id}`).toString("base64url");
/** A cursor of the current shape, signed as the API signs them (pagination.ts), to reach the key's own checks. */
function signed(key: string): string {
  const payload = `v2:${key}`;
  const macKey = createHmac("sha256", config.JWT_SECRET).update("nexus pagination cursors").digest();
  const mac = createHmac("sha256", macKey).update(payload).digest().subarray(0, 16);
  return `${Buffer.from(payload).toString("base64url")}.${mac.toString("base64url")}`;
}
/** The same without a valid MAC: a key the client made up. */
const forged = (key: string) => `${Buffer.from(`v2:${key}`).toString("base64url")}.${"A".repeat(22)}`;

test("another user's booking as a cursor on my GET /bookings is 400, exactly as an unknown cursor; my own cursors page", async (t) => {
  const alice = await createGuest();
  const bob = await createGuest();
  const mine: string[] = [];
  // Interleaved, so a cursor at one of Bob's bookings would fall between Alice's.
  for (let i = 0; i < 3; i++) {
    mine.push(await book(alice));
    await book(bob);
  }
  const bobs = (await api.get("/api/v1/bookings", bob.auth)).body.data.map((b: { id: string }) => b.id);
  t.is(bobs.length, 3);
  t.is((await api.get(`/api/v1/bookings/${bobs[1]}`, alice.auth)).status, 404, "GET says Bob's booking is not Alice's");

  const unknown = await api.get(
    `/api/v1/bookings?cursor=${idCursor("00000000-0000-4000-8000-000000000000")}`,
    alice.auth,
  );
  for (const cursor of [idCursor(bobs[1]), idCursor(mine[1])]) {
    const res = await api.get(`/api/v1/bookings?cursor=${cursor}`, alice.auth);
    t.is(res.status, 400);
    t.deepEqual(res.body, unknown.body, "the same answer as a cursor naming nothing");
    t.is(res.body.error.code, "validation_failed");
    t.is(res.body.error.details[0].path, "cursor");
  }
  // Nor does a cursor made up from Bob's booking's exact key: it is not one the API signed.
  const { rows } = await db().query(
    `select to_char(created_at at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at from bookings where id = $1`,
    [bobs[1]],
  );
  const madeUp = await api.get(`/api/v1/bookings?cursor=${forged(`${rows[0].at}|${bobs[1]}`)}`, alice.auth);
  t.deepEqual(madeUp.body, unknown.body);
  // As host too: Bob's booking id positions nothing among the host's bookings.
  t.is((await api.get(`/api/v1/bookings?as=host&cursor=${idCursor(bobs[1])}`, host.auth)).status, 400);

  // Alice's own cursors walk her bookings, newest first, each once.
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const res: ApiResponse = await api.get(`/api/v1/bookings?limit=2${cursor ? `&cursor=${cursor}` : ""}`, alice.auth);
    t.is(res.status, 200);
    seen.push(...res.body.data.map((b: { id: string }) => b.id));
    cursor = res.body.nextCursor;
  } while (cursor);
  t.deepEqual(seen, [...mine].reverse());

  // Bob's own cursor on Alice's list positions by its key only: Alice's bookings older than it, nothing of Bob's.
  // Its page ends at Bob's second booking, made between Alice's second and third.
  const bobsPage = await api.get("/api/v1/bookings?limit=2", bob.auth);
  const positioned = await api.get(`/api/v1/bookings?cursor=${bobsPage.body.nextCursor}`, alice.auth);
  t.is(positioned.status, 200);
  const ids = positioned.body.data.map((b: { id: string; guestId: string }) => b.id);
  t.true(ids.every((id: string) => mine.includes(id)));
  t.deepEqual(ids, mine.slice(0, 2).reverse(), "Alice's two bookings made before Bob's second");
});

test("messages, reviews, listings and login events refuse a row-id cursor and malformed ones with 400 validation_failed", async (t) => {
  const alice = await createGuest();
  const bob = await createGuest();
  const aliceBooking = await book(alice);
  const bobBooking = await book(bob);
  const { rows } = await db().query(
    "insert into messages (booking_id, sender_id, body) values ($1, $2, 'secret') returning id",
    [bobBooking, bob.id],
  );
  const bobMessage = rows[0].id as string;
  const now = new Date().toISOString().replace("Z", "000Z");
  const malformed = [
    idCursor(bobMessage),
    "not-a-cursor",
    signed(`${now}`), // no id
    signed(`${now}|not-a-uuid`),
    signed(`2026-02-30T00:00:00.000000Z|${bobMessage}`), // no such day
    signed(`0000-01-01T00:00:00.000000Z|${bobMessage}`), // PostgreSQL has no year 0
    signed(`2026-01-01T00:00:00.000Z|${bobMessage}`), // milliseconds: not a cursor we make
    signed(`${now}|${bobMessage}|extra`),
    signed("1"), // a login-event cursor on a (created_at, id) list
    forged(`${now}|${bobMessage}`), // the right shape, not made by us
    `${signed(`${now}|${bobMessage}`)}x`, // one of ours, tampered with
  ];
  const lists = [
    `/api/v1/bookings/${aliceBooking}/messages`,
    `/api/v1/listings/${listingId}/reviews`,
    `/api/v1/listings`,
    "/api/v1/bookings",
  ];
  for (const path of lists) {
    for (const cursor of malformed) {
      const res = await api.get(`${path}?cursor=${cursor}`, alice.auth);
      t.is(res.status, 400, `${path} ${Buffer.from(cursor, "base64url").toString()}`);
      t.is(res.body.error.code, "validation_failed");
    }
  }
  // Login events are ordered by their id alone: the cursor carries that id (v2), nothing else passes.
  const admin = await createAdmin();
  for (const cursor of [idCursor("5"), signed("0"), signed("-5"), signed(`${now}|${bobMessage}`), forged("5"), "x"]) {
    const res = await api.get(`/api/v1/admin/login-events?cursor=${cursor}`, admin.auth);
    t.is(res.status, 400, Buffer.from(cursor, "base64url").toString());
    t.is(res.body.error.code, "validation_failed");
  }
  t.is((await api.get(`/api/v1/admin/login-events?cursor=${signed("5")}`, admin.auth)).status, 200);
});
