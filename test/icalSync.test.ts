import "./helpers/env.js";
import "./helpers/loopbackFeeds.js";

import { randomUUID } from "node:crypto";
import test from "ava";
import { type RunningApp, startApp } from "./helpers/app.js";
import { eventually } from "./helpers/eventually.js";
import {
  closeFactories,
  createBooking,
  createGuest,
  createHost,
  createListing,
  day,
  db,
  type TestListing,
  type TestUser,
} from "./helpers/factories.js";
import { FeedServer, fixtureFeed } from "./helpers/feedServer.js";
import { type ApiClient, apiClient } from "./helpers/http.js";
import { type Spawned, spawnEntry } from "./helpers/processes.js";
import { TestSmtp } from "./helpers/smtp.js";
import { connectSocket, type TestSocket } from "./helpers/sockets.js";

/**
 * Issue 21, the import, end to end: a real worker polls fixture feeds served by a real HTTP server
 * (which also stalls, fails, floods and redirects), a real web app serves the API and the exports,
 * a loopback SMTP server receives the host's alert.
 */
let smtp: TestSmtp;
let worker: Spawned;
let app: RunningApp;
let api: ApiClient;
let feeds: FeedServer;
const sockets: TestSocket[] = [];
let guest: TestUser;

test.serial.before(async () => {
  smtp = await TestSmtp.start();
  feeds = await FeedServer.start();
  worker = spawnEntry("worker/main.ts", {
    SMTP_URL: smtp.url,
    ICAL_ALLOW_LOOPBACK: "true",
    CRON_SYNC_CALENDARS_EVERY: "0.3 seconds",
    CRON_RELAY_OUTBOX_EVERY: "0.2 seconds",
    JOB_PROCESS_EVERY_MS: "100",
    ICAL_POLL_MINUTES: "0.05",
    ICAL_RETRY_BASE_SECONDS: "60",
    ICAL_FETCH_TIMEOUT_MS: "1500",
  });
  await worker.waitFor(/worker started/);
  app = await startApp();
  api = apiClient(app.url);
  guest = await createGuest();
});
test.after.always(async () => {
  for (const s of sockets) s.close();
  await worker?.stop("SIGKILL");
  await app?.close();
  await feeds?.close();
  await smtp?.close();
  await closeFactories();
});

interface Block {
  id: string;
  checkIn: string;
  checkOut: string;
  source: "host" | "feed";
  feedId: string | null;
}

const calendar = async (listingId: string, host: TestUser) => {
  const res = await api.get(`/api/v1/listings/${listingId}/calendar`, host.auth);
  return res.body.calendar;
};
const blocks = async (listingId: string, host: TestUser): Promise<Block[]> =>
  (await api.get(`/api/v1/listings/${listingId}/blocks`, host.auth)).body.blocks;
const feedNights = async (listingId: string, host: TestUser) =>
  (await blocks(listingId, host)).filter((b) => b.source === "feed").map((b) => [b.checkIn, b.checkOut]);
const addFeed = (listingId: string, host: TestUser, url: string, name = "Airbnb") =>
  api.post(`/api/v1/listings/${listingId}/calendar/feeds`, { name, url }, host.auth);
const syncNow = (listingId: string, feedId: string, host: TestUser) =>
  api.post(`/api/v1/listings/${listingId}/calendar/feeds/${feedId}/sync`, {}, host.auth);
const feedOf = async (listingId: string, host: TestUser, feedId: string) =>
  (await calendar(listingId, host)).feeds.find((f: { id: string }) => f.id === feedId);
/** Waits for the feed's next fetch to end after `since` (ISO), and returns its status. */
const nextSync = (listingId: string, host: TestUser, feedId: string, since: string) =>
  eventually(async () => {
    const feed = await feedOf(listingId, host, feedId);
    return feed.lastSyncAt && feed.lastSyncAt > since ? feed : null;
  }, `feed ${feedId} fetched again`);
const freeIn = async (city: string, checkIn: string, checkOut: string) =>
  (
    await api.get(`/api/v1/listings?city=${encodeURIComponent(city)}&checkIn=${checkIn}&checkOut=${checkOut}`)
  ).body.data.map((l: { id: string }) => l.id);
const book = (listing: TestListing, checkIn: string, checkOut: string) =>
  api.post("/api/v1/bookings", { listingId: listing.id, checkIn, checkOut, guests: 1 }, guest.auth);

test.serial(
  "an imported feed's events become external blocks: shown apart, taken in availability, bookings and search; polled with conditional GETs",
  async (t) => {
    const host = await createHost();
    const city = `Feedtown ${randomUUID().slice(0, 6)}`;
    const listing = await createListing(host, { city });
    const url = feeds.set(`/${listing.id}/airbnb.ics`, { kind: "ics", body: fixtureFeed("airbnb") });
    const added = await addFeed(listing.id, host, url);
    t.is(added.status, 201, JSON.stringify(added.body));
    t.like(added.body.feed, { name: "Airbnb", url, lastOutcome: null, eventCount: 0 });

    const feed = await eventually(
      async () => {
        const f = await feedOf(listing.id, host, added.body.feed.id);
        return f.lastOutcome === "ok" ? f : null;
      },
      "first sync",
      40_000,
    ); // the worker's first task run can take a while on a loaded machine
    t.like(feed, { eventCount: 2, failures: 0, lastError: null });
    t.truthy(feed.lastSyncAt && feed.lastSuccessAt);
    t.deepEqual(await feedNights(listing.id, host), [
      [day(10), day(13)],
      [day(20), day(25)],
    ]);
    t.true((await blocks(listing.id, host)).every((b) => b.feedId === added.body.feed.id || b.source === "host"));

    const availability = await api.get(`/api/v1/listings/${listing.id}/availability?from=${day(0)}&to=${day(40)}`);
    t.deepEqual(availability.body.blocked, [
      { checkIn: day(10), checkOut: day(13) },
      { checkIn: day(20), checkOut: day(25) },
    ]);
    t.false((await freeIn(city, day(11), day(12))).includes(listing.id), "search sees the imported nights as taken");
    t.true((await freeIn(city, day(14), day(16))).includes(listing.id), "and the nights around them free");
    const refused = await book(listing, day(12), day(14));
    t.is(refused.status, 409);
    t.is(refused.body.error.code, "dates_unavailable");
    t.is(
      (await api.post(`/api/v1/listings/${listing.id}/blocks`, { checkIn: day(21), checkOut: day(22) }, host.auth))
        .status,
      409,
    );
    const external = (await blocks(listing.id, host)).find((b) => b.source === "feed")!;
    const deleted = await api.delete(`/api/v1/listings/${listing.id}/blocks/${external.id}`, host.auth);
    t.is(deleted.status, 409);
    t.is(deleted.body.error.code, "block_from_feed");

    // The next polls come by themselves and ask with the ETag: 304, nothing rewritten.
    const idsBefore = (await blocks(listing.id, host)).map((b) => b.id).sort();
    const polled = await eventually(
      () => feeds.requestsTo(`/${listing.id}/airbnb.ics`).find((r) => r.status === 304),
      "a conditional poll",
    );
    t.truthy(polled.ifNoneMatch);
    await eventually(async () => (await feedOf(listing.id, host, feed.id)).lastOutcome === "not_modified", "304 shown");
    t.deepEqual((await blocks(listing.id, host)).map((b) => b.id).sort(), idsBefore, "the same rows, untouched");
  },
);

test.serial(
  "changes in a feed: a moved event is updated, a vanished one removed, a new one added; removing the feed frees its nights",
  async (t) => {
    const host = await createHost();
    const city = `Movetown ${randomUUID().slice(0, 6)}`;
    const listing = await createListing(host, { city });
    const path = `/${listing.id}/booking.ics`;
    const url = feeds.set(path, { kind: "ics", body: fixtureFeed("bookingcom") });
    const { body } = await addFeed(listing.id, host, url, "Booking.com");
    await eventually(async () => (await feedOf(listing.id, host, body.feed.id)).lastOutcome === "ok", "first sync");
    t.deepEqual(await feedNights(listing.id, host), [
      [day(30), day(32)],
      [day(40), day(41)],
    ]);

    const moved = fixtureFeed("bookingcom")
      .replace(`DTSTART;VALUE=DATE:${day(30).replaceAll("-", "")}`, `DTSTART;VALUE=DATE:${day(33).replaceAll("-", "")}`)
      .replace(`DTEND;VALUE=DATE:${day(32).replaceAll("-", "")}`, `DTEND;VALUE=DATE:${day(36).replaceAll("-", "")}`)
      .replace(/BEGIN:VEVENT\r\nUID:b8d2[\s\S]*?END:VEVENT\r\n/, "")
      .replace(
        "END:VCALENDAR",
        `BEGIN:VEVENT\r\nUID:new-one@booking.com\r\nDTSTART;VALUE=DATE:${day(45).replaceAll("-", "")}\r\nDTEND;VALUE=DATE:${day(47).replaceAll("-", "")}\r\nSUMMARY:CLOSED - Not available\r\nEND:VEVENT\r\nEND:VCALENDAR`,
      );
    feeds.set(path, { kind: "ics", body: moved });
    await eventually(
      async () =>
        JSON.stringify(await feedNights(listing.id, host)) ===
        JSON.stringify([
          [day(33), day(36)],
          [day(45), day(47)],
        ]),
      "the feed's changes applied",
    );
    const { rows } = await db().query(
      "select event_key, to_char(check_in, 'YYYY-MM-DD') as check_in from calendar_feed_events where feed_id = $1 order by check_in",
      [body.feed.id],
    );
    t.deepEqual(
      rows.map((r) => [r.event_key, r.check_in]),
      [
        ["a7c1e2f0d3b44e5f9a8b7c6d5e4f3a2b@booking.com", day(33)],
        ["new-one@booking.com", day(45)],
      ],
      "events keyed by feed and UID: the moved one kept its key",
    );
    t.true((await freeIn(city, day(30), day(32))).includes(listing.id), "the old nights are free again in search");
    t.false((await freeIn(city, day(34), day(35))).includes(listing.id));

    const removed = await api.delete(`/api/v1/listings/${listing.id}/calendar/feeds/${body.feed.id}`, host.auth);
    t.is(removed.status, 204);
    t.deepEqual(await feedNights(listing.id, host), []);
    t.true((await freeIn(city, day(34), day(35))).includes(listing.id));
    t.is((await book(listing, day(34), day(35))).status, 201);
  },
);

test.serial(
  "every failure of a feed is visible to its host and harmless: a stall, 500, 50 MB, garbage, a redirect loop",
  async (t) => {
    const host = await createHost();
    const listing = await createListing(host);
    const path = `/${listing.id}/vrbo.ics`;
    const url = feeds.set(path, { kind: "ics", body: fixtureFeed("vrbo") });
    const { body } = await addFeed(listing.id, host, url, "Vrbo");
    const feedId = body.feed.id;
    await eventually(async () => (await feedOf(listing.id, host, feedId)).lastOutcome === "ok", "first sync");
    const good = await blocks(listing.id, host);
    t.deepEqual(
      good.map((b) => [b.checkIn, b.checkOut]),
      [[day(50), day(54)]],
    );

    let failures = 0;
    for (const [behaviour, error] of [
      [{ kind: "stall" }, /timed out after 1500 ms/],
      [{ kind: "status", status: 500 }, /^HTTP 500$/],
      [{ kind: "huge", bytes: 50_000_000 }, /larger than 5000000 bytes/],
      [{ kind: "garbage" }, /not an iCalendar/],
      [{ kind: "redirect", to: path }, /more than 3 redirects/],
    ] as const) {
      feeds.set(path, behaviour);
      const before = new Date().toISOString();
      t.is((await syncNow(listing.id, feedId, host)).status, 202);
      const feed = await nextSync(listing.id, host, feedId, before);
      failures += 1;
      t.like(feed, { lastOutcome: "failed", failures, eventCount: 1 }, behaviour.kind);
      t.regex(feed.lastError, error, behaviour.kind);
      // Backoff: 60 s doubling per failure (±20 %), instead of the 3 s poll.
      t.true(Date.parse(feed.nextSyncAt) - Date.now() > 60_000 * 2 ** (failures - 1) * 0.7, behaviour.kind);
      t.deepEqual(await blocks(listing.id, host), good, `${behaviour.kind} changed nothing`);
    }
    feeds.set(path, { kind: "ics", body: fixtureFeed("vrbo") });
    const before = new Date().toISOString();
    await syncNow(listing.id, feedId, host);
    // 304: the copy's ETag outlived the failures, and the feed is as it was.
    t.like(await nextSync(listing.id, host, feedId, before), {
      lastOutcome: "not_modified",
      failures: 0,
      lastError: null,
    });
    t.deepEqual(await blocks(listing.id, host), good);
  },
);

test.serial(
  "SSRF at fetch time: a stored URL that names an internal address is refused by the worker, whatever was checked when it was saved",
  async (t) => {
    const host = await createHost();
    const listing = await createListing(host);
    const { rows } = await db().query(
      `insert into calendar_feeds (listing_id, host_id, name, url) values
       ($1, $2, 'metadata', 'http://169.254.169.254/latest/meta-data/'),
       ($1, $2, 'private', 'http://[::ffff:10.0.0.7]/cal.ics') returning id`,
      [listing.id, host.id],
    );
    for (const { id } of rows) {
      const feed = await eventually(async () => {
        const f = await feedOf(listing.id, host, id);
        return f.lastOutcome ? f : null;
      }, "the worker tried it");
      t.is(feed.lastOutcome, "failed");
      t.regex(feed.lastError, /^refused: .* is a (private|loopback)/);
    }
  },
);

test.serial(
  "an imported event over a reservation: the reservation stays, the conflict is recorded once, the host is alerted live and by email",
  async (t) => {
    const host = await createHost({ name: "Conflicted Host" });
    const listing = await createListing(host, { title: "Twice-listed loft" });
    const booking = await createBooking(listing, guest, { checkIn: day(11), checkOut: day(12) });
    const socket = await connectSocket(app.url, host.token);
    sockets.push(socket);
    const path = `/${listing.id}/other.ics`;
    const url = feeds.set(path, { kind: "ics", body: fixtureFeed("airbnb") });
    const { body } = await addFeed(listing.id, host, url, "Other channel");

    const event = await eventually(
      () => socket.events.find((e) => e.type === "calendar.conflict"),
      "calendar.conflict",
    );
    t.like(event.data, {
      listingId: listing.id,
      listingTitle: "Twice-listed loft",
      feedId: body.feed.id,
      feedName: "Other channel",
      bookingId: booking.id,
      checkIn: day(11),
      checkOut: day(12),
    });
    const mail = await eventually(() => smtp.messages.find((m) => m.to.includes(host.email)), "the host's email");
    t.regex(mail.subject, /Calendar conflict at Twice-listed loft: Other channel blocks booked nights/);
    t.regex(mail.text, /The reservation stands/);

    const { rows } = await db().query("select status from bookings where id = $1", [booking.id]);
    t.is(rows[0].status, "confirmed", "the reservation is kept");
    t.deepEqual(
      await feedNights(listing.id, host),
      [
        [day(10), day(11)],
        [day(12), day(13)],
        [day(20), day(25)],
      ],
      "the event's other nights are blocked",
    );
    const cal = await calendar(listing.id, host);
    t.is(cal.conflicts.length, 1);
    t.is(cal.conflicts[0].bookingId, booking.id);

    // Later polls do not alert again.
    const before = new Date().toISOString();
    await nextSync(listing.id, host, body.feed.id, before);
    await nextSync(listing.id, host, body.feed.id, new Date().toISOString());
    t.is(socket.events.filter((e) => e.type === "calendar.conflict").length, 1);
    t.is(smtp.messages.filter((m) => m.to.includes(host.email)).length, 1);

    // The reservation is cancelled: the feed's event takes its night at the next poll.
    t.is((await api.post(`/api/v1/bookings/${booking.id}/cancel`, {}, guest.auth)).status, 200);
    await eventually(
      async () =>
        JSON.stringify(await feedNights(listing.id, host)) ===
        JSON.stringify([
          [day(10), day(13)],
          [day(20), day(25)],
        ]),
      "the freed night blocked by the feed (the event whole again)",
    );
  },
);

test.serial(
  "round trip: two Nexus listings keep each other's calendars in sync through their feeds, with no manual step",
  async (t) => {
    const hostA = await createHost();
    const hostB = await createHost();
    const a = await createListing(hostA);
    const b = await createListing(hostB);
    await createBooking(a, guest, { checkIn: day(5), checkOut: day(8) });
    t.is(
      (await api.post(`/api/v1/listings/${a.id}/blocks`, { checkIn: day(15), checkOut: day(16) }, hostA.auth)).status,
      201,
    );
    await createBooking(b, guest, { checkIn: day(9), checkOut: day(11) });
    const exportOf = async (listingId: string, host: TestUser) =>
      `${app.url}/ical/${/\/ical\/(\w+)\.ics$/.exec((await calendar(listingId, host)).exportUrl)![1]}.ics`;
    t.is((await addFeed(b.id, hostB, await exportOf(a.id, hostA), "Nexus A")).status, 201);
    t.is((await addFeed(a.id, hostA, await exportOf(b.id, hostB), "Nexus B")).status, 201);

    const nightsOfA = [
      [day(5), day(8)],
      [day(15), day(16)],
    ];
    await eventually(
      async () => JSON.stringify(await feedNights(b.id, hostB)) === JSON.stringify(nightsOfA),
      "B has A's nights",
    );
    // A imports B's own reservation only: exports leave imported blocks out, so nothing echoes back.
    await eventually(
      async () => JSON.stringify(await feedNights(a.id, hostA)) === JSON.stringify([[day(9), day(11)]]),
      "A has B's nights",
    );

    // A guest books A through the API; B's calendar follows by polling alone.
    const booked = await book(a, day(20), day(23));
    t.is(booked.status, 201);
    await eventually(
      async () => (await feedNights(b.id, hostB)).some(([x, y]) => x === day(20) && y === day(23)),
      "the new booking reached B",
    );
    t.is((await book(b, day(21), day(22))).status, 409, "and B can no longer be booked on those nights");
    t.is((await calendar(a.id, hostA)).conflicts.length, 0);
    t.is((await calendar(b.id, hostB)).conflicts.length, 0);
  },
);
