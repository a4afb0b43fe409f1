import "./helpers/env.js";
import "./helpers/loopbackFeeds.js";

import test from "ava";
import ICAL from "ical.js";
import nodeIcal from "node-ical";
import { parseConfig } from "../shared/config.js";
import { parseFeed } from "../shared/domain/calendars/parseFeed.js";
import { type FetchFeedOptions, fetchFeed } from "../shared/net/fetchFeed.js";
import { createBooking, createGuest, createHost, createListing, day, db, type TestUser } from "./helpers/factories.js";
import { FeedServer, fixtureFeed } from "./helpers/feedServer.js";
import { SAFE_PRODUCTION_ENV } from "./helpers/productionEnv.js";
import { useApp } from "./helpers/useApp.js";

/** Issue 21, the export: GET /ical/<token>.ics, its secret URL, and the parser's reading of other channels' feeds. */
const { api, app } = useApp();
let host: TestUser;
let guest: TestUser;
test.serial.before(async () => {
  host = await createHost();
  guest = await createGuest({ name: "Zebulon Guestname" });
});

const calendarOf = (listingId: string, user = host) => api.get(`/api/v1/listings/${listingId}/calendar`, user.auth);
const tokenOf = (exportUrl: string) => /\/ical\/([0-9a-f]{64})\.ics$/.exec(exportUrl)![1];
const feedUrl = (token: string) => `${app().url}/ical/${token}.ics`;
const ymd = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;

async function exported(listingId: string) {
  const { body } = await calendarOf(listingId);
  const res = await fetch(feedUrl(tokenOf(body.calendar.exportUrl)));
  return { res, text: await res.text(), token: tokenOf(body.calendar.exportUrl) };
}

test("the export holds every blocking reservation and host block as an all-day event, read back field by field by ical.js and node-ical", async (t) => {
  const title = "Maison « Soleil », côte; ocean\\view — a long name that needs folding past seventy-five octets ☀️";
  const listing = await createListing(host, { title });
  const confirmed = await createBooking(listing, guest, {
    checkIn: day(10),
    checkOut: day(13),
    note: "Zebulon secret",
  });
  const held = await createBooking(listing, guest, { status: "pending_payment", checkIn: day(20), checkOut: day(22) });
  await createBooking(listing, guest, { status: "cancelled", checkIn: day(30), checkOut: day(32) });
  await createBooking(listing, guest, {
    status: "pending_payment",
    checkIn: day(40),
    checkOut: day(41),
    expiresIn: "-1 minute",
  });
  const blocked = await api.post(
    `/api/v1/listings/${listing.id}/blocks`,
    { checkIn: day(5), checkOut: day(7) },
    host.auth,
  );
  t.is(blocked.status, 201);

  const { res, text } = await exported(listing.id);
  t.is(res.status, 200);
  t.regex(res.headers.get("content-type") ?? "", /^text\/calendar; charset=utf-8/);
  t.truthy(res.headers.get("etag"));
  t.false(text.includes("Zebulon"), "no guest data");
  t.true(text.endsWith("\r\n") && !/[^\r]\n/.test(text), "CRLF line ends only");
  for (const line of text.split("\r\n")) t.true(Buffer.byteLength(line) <= 75, `folded: ${line}`);

  const expected = [
    { uid: `block-${blocked.body.block.id}@nexus`, summary: "Blocked", start: day(5), end: day(7) },
    { uid: `booking-${confirmed.id}@nexus`, summary: "Reserved", start: day(10), end: day(13) },
    { uid: `booking-${held.id}@nexus`, summary: "Reserved", start: day(20), end: day(22) },
  ];

  // ical.js
  const vcal = new ICAL.Component(ICAL.parse(text));
  // ical.js unfolds an X- property but leaves its TEXT escapes (it does not know its type): both checked.
  t.is(
    vcal.getFirstPropertyValue("x-wr-calname"),
    "Maison « Soleil »\\, côte\\; ocean\\\\view — a long name that needs folding past seventy-five octets ☀️",
    "unfolded whole, UTF-8 sequences intact",
  );
  t.is(vcal.getFirstPropertyValue("version"), "2.0");
  t.truthy(vcal.getFirstPropertyValue("prodid"));
  const events = vcal.getAllSubcomponents("vevent").map((v) => new ICAL.Event(v));
  t.deepEqual(
    events.map((e) => ({
      uid: e.uid,
      summary: e.summary,
      start: e.startDate.toString(),
      end: e.endDate.toString(),
    })),
    expected,
  );
  for (const e of events) {
    t.true(e.startDate.isDate && e.endDate.isDate, "all-day (VALUE=DATE)");
    t.is(e.sequence, 0);
    t.truthy(e.component.getFirstPropertyValue("last-modified"));
    t.truthy(e.component.getFirstPropertyValue("dtstamp"));
  }

  // node-ical
  const calendar = nodeIcal.sync.parseICS(text);
  t.is((calendar.vcalendar as unknown as Record<string, string>)["WR-CALNAME"], title, "escaping undone exactly");
  const parsed = Object.values(calendar).filter((c) => c.type === "VEVENT") as nodeIcal.VEvent[];
  t.deepEqual(
    parsed
      .map((e) => ({ uid: e.uid, summary: e.summary, start: ymd(e.start), end: ymd(e.end) }))
      .sort((a, b) => a.start.localeCompare(b.start)),
    expected,
  );
  for (const e of parsed) {
    t.is(e.datetype, "date");
    t.is(Number(e.sequence), 0);
    t.true(e.lastmodified instanceof Date);
  }
});

test("the feed is the same bytes on every download (stable UIDs), answers 304 to its ETag, and changes its ETag when a stay is added", async (t) => {
  const listing = await createListing(host);
  await createBooking(listing, guest, { checkIn: day(3), checkOut: day(4) });
  const first = await exported(listing.id);
  const second = await exported(listing.id);
  t.is(first.text, second.text);
  const etag = first.res.headers.get("etag")!;
  t.is(second.res.headers.get("etag"), etag);

  const notModified = await fetch(feedUrl(first.token), { headers: { "if-none-match": etag } });
  t.is(notModified.status, 304);
  t.is(await notModified.text(), "");
  t.is(notModified.headers.get("etag"), etag);
  t.is((await fetch(feedUrl(first.token), { headers: { "if-none-match": `W/${etag}, "other"` } })).status, 304);
  t.is((await fetch(feedUrl(first.token), { headers: { "if-none-match": '"stale"' } })).status, 200);

  await createBooking(listing, guest, { checkIn: day(8), checkOut: day(9) });
  const changed = await fetch(feedUrl(first.token), { headers: { "if-none-match": etag } });
  t.is(changed.status, 200, "a new stay is a new ETag");
  t.not(changed.headers.get("etag"), etag);
  const uids = (text: string) => [...text.matchAll(/^UID:(.+)$/gm)].map((m) => m[1]);
  const before = uids(first.text);
  t.deepEqual(uids(await changed.text()).slice(0, before.length), before, "earlier events keep their UIDs");
});

test("SEQUENCE and LAST-MODIFIED move when a stay's nights change", async (t) => {
  const listing = await createListing(host);
  const booking = await createBooking(listing, guest, { checkIn: day(3), checkOut: day(5) });
  const before = await exported(listing.id);
  t.regex(before.text, /SEQUENCE:0/);
  await db().query("update bookings set check_out = $2, updated_at = now() where id = $1", [booking.id, day(6)]);
  const after = await exported(listing.id);
  const event = new ICAL.Event(new ICAL.Component(ICAL.parse(after.text)).getFirstSubcomponent("vevent")!);
  t.is(event.sequence, 1);
  t.is(event.endDate.toString(), day(6));
  t.not(after.res.headers.get("etag"), before.res.headers.get("etag"));
  // A status change (held → confirmed) changes nothing the event says: same bytes.
  await db().query("update bookings set status = 'cancelled' where id = $1", [booking.id]);
  t.false((await exported(listing.id)).text.includes("BEGIN:VEVENT"), "a cancelled stay leaves the feed");
});

test("rotating the token revokes the old URL; bad and unknown tokens are 404 JSON; only the host or an admin sees the URL", async (t) => {
  const listing = await createListing(host);
  const { token } = await exported(listing.id);
  const rotated = await api.post(`/api/v1/listings/${listing.id}/calendar/export-token`, {}, host.auth);
  t.is(rotated.status, 200);
  const fresh = tokenOf(rotated.body.exportUrl);
  t.not(fresh, token);
  const old = await fetch(feedUrl(token));
  t.is(old.status, 404);
  t.is((await old.json()).error.code, "not_found");
  t.is((await fetch(feedUrl(fresh))).status, 200);
  for (const bad of ["nope", `${"g".repeat(64)}`, `${fresh}x`, `${fresh.toUpperCase()}`]) {
    const res = await fetch(`${app().url}/ical/${bad}.ics`);
    t.is(res.status, 404, bad);
    t.is((await res.json()).error.code, "not_found");
  }
  t.is((await fetch(`${app().url}/ical/${fresh}.ical`)).status, 404);
  const other = await createHost();
  t.is((await calendarOf(listing.id, other)).status, 403);
  t.is((await api.get(`/api/v1/listings/${listing.id}/calendar`)).status, 401);
  t.is((await api.post(`/api/v1/listings/${listing.id}/calendar/export-token`, {}, other.auth)).status, 403);
});

test("fixture feeds shaped like the big marketplaces' exports are read into the right nights", (t) => {
  const nights = (name: string, zone = "UTC") =>
    parseFeed(fixtureFeed(name), zone).map((e) => [e.checkIn, e.checkOut, e.uid.slice(0, 24)]);
  // Airbnb: reservations and "Not available" windows are both blocks; a past stay is dropped.
  t.deepEqual(
    nights("airbnb").map(([a, b]) => [a, b]),
    [
      [day(10), day(13)],
      [day(20), day(25)],
    ],
  );
  // Booking.com: an all-day event without DTEND is one night.
  t.deepEqual(
    nights("bookingcom").map(([a, b]) => [a, b]),
    [
      [day(30), day(32)],
      [day(40), day(41)],
    ],
  );
  // Vrbo: a cancelled event takes nothing.
  t.deepEqual(
    nights("vrbo").map(([a, b]) => [a, b]),
    [[day(50), day(54)]],
  );
  // Google: a timed stay in America/New_York (VTIMEZONE), a weekly rule with an EXDATE and a cancelled
  // occurrence, and a TRANSPARENT (free) event that takes nothing.
  t.deepEqual(
    nights("google").map(([a, b]) => [a, b]),
    [
      [day(70), day(72)],
      [day(80), day(81)],
      [day(101), day(102)],
    ],
  );
  // The same timed stay on a listing in Tokyo: 15:00 New York is the next morning there.
  t.deepEqual(parseFeed(fixtureFeed("google"), "Asia/Tokyo")[0], {
    key: "3kq9v0m2b7c4d1e8f5a6g2h3j4@google.com",
    uid: "3kq9v0m2b7c4d1e8f5a6g2h3j4@google.com",
    checkIn: day(71),
    checkOut: day(73),
    sequence: 0,
  });
  // Outlook: a Windows zone name defined by its VTIMEZONE, a folded UID, SEQUENCE; a floating time.
  const outlook = parseFeed(fixtureFeed("outlook"), "UTC");
  t.deepEqual(
    outlook.map((e) => [e.checkIn, e.checkOut, e.sequence]),
    [
      [day(109), day(111), 2],
      [day(120), day(121), 0],
    ],
  );
  t.true(outlook[0].uid.startsWith("040000008200E00074C5B7101A82E008") && outlook[0].uid.endsWith("291807"));
  // Recurring occurrences are keyed by UID and RECURRENCE-ID.
  const google = parseFeed(fixtureFeed("google"), "UTC");
  t.deepEqual(
    google.filter((e) => e.uid.startsWith("weekly")).map((e) => e.key),
    [
      `weekly-cleaning-7d1c@google.com|${day(80).replaceAll("-", "")}`,
      `weekly-cleaning-7d1c@google.com|${day(101).replaceAll("-", "")}`,
    ],
  );
});

test("a rule without an end is expanded only up to the calendar's horizon; garbage is refused as malformed", (t) => {
  const daily = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "BEGIN:VEVENT",
    "UID:forever",
    `DTSTART;VALUE=DATE:${day(1).replaceAll("-", "")}`,
    `DTEND;VALUE=DATE:${day(2).replaceAll("-", "")}`,
    "RRULE:FREQ=DAILY",
    "END:VEVENT",
    "END:VCALENDAR",
    "",
  ].join("\r\n");
  const events = parseFeed(daily, "UTC");
  t.true(events.length > 100 && events.length <= 800, String(events.length));
  // A weekly rule begun years ago: the past is walked through, the coming weeks are kept.
  const weekly = daily
    .replace(/DTSTART;VALUE=DATE:\d+/, "DTSTART;VALUE=DATE:20150104")
    .replace(/DTEND;VALUE=DATE:\d+/, "DTEND;VALUE=DATE:20150106")
    .replace("FREQ=DAILY", "FREQ=WEEKLY");
  const weeks = parseFeed(weekly, "UTC");
  t.true(weeks.length >= 100, String(weeks.length));
  t.true(weeks[0].checkOut > day(0) && weeks[0].checkIn <= day(7), JSON.stringify(weeks[0]));
  t.true(events.every((e) => e.checkOut <= day(730)));
  t.throws(() => parseFeed("<html>Gateway timeout</html>", "UTC"), { name: "MalformedFeedError" });
  t.throws(() => parseFeed("BEGIN:VCARD\r\nFN:x\r\nEND:VCARD\r\n", "UTC"), { name: "MalformedFeedError" });
  t.throws(() => parseFeed("", "UTC"), { name: "MalformedFeedError" });
});

const strict: FetchFeedOptions = { timeoutMs: 2000, maxBytes: 1_000_000, maxRedirects: 3, allowLoopback: false };

test("SSRF: feed URLs that are not http(s), carry credentials or name internal addresses are refused when saved (400)", async (t) => {
  const listing = await createListing(host);
  for (const url of [
    "ftp://example.com/cal.ics",
    "file:///etc/passwd",
    "javascript:alert(1)",
    "gopher://example.com/",
    "http://user:secret@example.com/cal.ics",
    "http://10.0.0.5/cal.ics",
    "http://192.168.1.1/cal.ics",
    "http://172.16.0.1/cal.ics",
    "http://100.64.0.1/cal.ics",
    "http://169.254.169.254/latest/meta-data/",
    "http://[fd00:ec2::254]/latest/meta-data/",
    "http://[::ffff:10.0.0.1]/cal.ics",
    "http://[fe80::1]/cal.ics",
    "http://0.0.0.0/cal.ics",
    "not a url",
  ]) {
    const res = await api.post(`/api/v1/listings/${listing.id}/calendar/feeds`, { name: "Other", url }, host.auth);
    t.is(res.status, 400, url);
    t.is(res.body.error.code, "validation_failed", url);
    t.is(res.body.error.details[0].path, "url", url);
  }
  const { rows } = await db().query("select count(*)::int as n from calendar_feeds where listing_id = $1", [
    listing.id,
  ]);
  t.is(rows[0].n, 0, "nothing stored");
});

test("SSRF: at fetch time every address is checked (loopback refused unless allowed, names resolved by us, redirects re-checked)", async (t) => {
  const server = await FeedServer.start();
  t.teardown(() => server.close());
  const ok = server.set("/ok.ics", { kind: "ics", body: fixtureFeed("airbnb") });
  const port = new URL(server.url).port;

  for (const url of [
    ok,
    `http://localhost:${port}/ok.ics`,
    `http://[::1]:${port}/ok.ics`,
    `http://[::ffff:127.0.0.1]:${port}/ok.ics`,
  ]) {
    await t.throwsAsync(fetchFeed(url, strict), { name: "FeedFetchError", message: /refused/ }, url);
  }
  // A name whose DNS answer is internal, or mixes a public address with an internal one, is refused
  // before any connection (the resolver here stands for DNS that changed after the feed was saved).
  const resolveTo =
    (...addresses: string[]) =>
    async () =>
      addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  await t.throwsAsync(
    fetchFeed(`http://feeds.example:${port}/ok.ics`, { ...strict, resolve: resolveTo("127.0.0.1") }),
    {
      message: /refused: feeds.example resolves to a loopback address/,
    },
  );
  await t.throwsAsync(
    fetchFeed("http://feeds.example/ok.ics", { ...strict, resolve: resolveTo("93.184.216.34", "10.1.2.3") }),
    { message: /refused: .*private/ },
  );
  await t.throwsAsync(fetchFeed("http://meta.example/", { ...strict, resolve: resolveTo("169.254.169.254") }), {
    message: /refused/,
  });
  t.is(server.requests.length, 0, "the fixture server was never reached");

  // The one test setting: loopback allowed, nothing else.
  const loopbackOk = { ...strict, allowLoopback: true };
  const fetched = await fetchFeed(ok, loopbackOk);
  t.is(fetched.status, "ok");
  // A name goes through our lookup, which hands the socket the address it checked.
  t.is((await fetchFeed(`http://localhost:${port}/ok.ics`, loopbackOk)).status, "ok");
  t.is(
    (await fetchFeed(`http://feeds.example:${port}/ok.ics`, { ...loopbackOk, resolve: resolveTo("127.0.0.1") })).status,
    "ok",
  );
  const hop = server.set("/hop", { kind: "redirect", to: "http://10.1.2.3/cal.ics" });
  await t.throwsAsync(fetchFeed(hop, loopbackOk), { message: /refused: 10.1.2.3 is a private/ });
  const toFile = server.set("/file", { kind: "redirect", to: "file:///etc/passwd" });
  await t.throwsAsync(fetchFeed(toFile, loopbackOk), { message: /refused: the URL must be an http or https URL/ });
  const viaName = server.set("/name", { kind: "redirect", to: "http://internal.example/cal.ics" });
  await t.throwsAsync(fetchFeed(viaName, { ...loopbackOk, resolve: resolveTo("192.168.0.10") }), {
    message: /refused/,
  });
});

test("SSRF: production refuses the setting that lets feeds reach loopback", (t) => {
  t.throws(() => parseConfig({ ...SAFE_PRODUCTION_ENV, ICAL_ALLOW_LOOPBACK: "true" }), {
    message: /ICAL_ALLOW_LOOPBACK/,
  });
  t.false(parseConfig({ ...SAFE_PRODUCTION_ENV }).ICAL_ALLOW_LOOPBACK);
});

test("fetching: a stall times out, 500 and garbage are errors, 50 MB is cut off, redirect loops end, 304 is kept", async (t) => {
  const server = await FeedServer.start();
  t.teardown(() => server.close());
  const options = { ...strict, allowLoopback: true, timeoutMs: 800, maxBytes: 5_000_000 };
  const started = Date.now();
  await t.throwsAsync(fetchFeed(server.set("/stall", { kind: "stall" }), options), { message: /timed out/ });
  t.true(Date.now() - started < 3000);
  await t.throwsAsync(fetchFeed(server.set("/500", { kind: "status", status: 500 }), options), { message: "HTTP 500" });
  await t.throwsAsync(fetchFeed(server.set("/huge", { kind: "huge", bytes: 50_000_000 }), options), {
    message: /larger than 5000000 bytes/,
  });
  await t.throwsAsync(fetchFeed(server.set("/loop", { kind: "redirect", to: "/loop" }), options), {
    message: /more than 3 redirects/,
  });
  const garbage = await fetchFeed(server.set("/garbage", { kind: "garbage" }), options);
  t.is(garbage.status, "ok", "bytes arrive; the parser refuses them");
  if (garbage.status === "ok") t.throws(() => parseFeed(garbage.body, "UTC"), { name: "MalformedFeedError" });

  const url = server.set("/feed.ics", { kind: "ics", body: fixtureFeed("vrbo") });
  const first = await fetchFeed(url, options);
  t.is(first.status, "ok");
  if (first.status !== "ok") return;
  t.truthy(first.etag);
  t.deepEqual(await fetchFeed(url, { ...options, etag: first.etag }), { status: "not_modified" });
  t.is(server.requestsTo("/feed.ics").at(-1)?.ifNoneMatch, first.etag ?? undefined, "a conditional GET");
});

test("the poller takes one feed per host at a time, oldest due first, and a failed one waits out its backoff", async (t) => {
  const { initOrm } = await import("../shared/db/orm.js");
  const { execute } = await import("../shared/domain/commands/execute.js");
  const { claimDueFeeds } = await import("../shared/domain/calendars/claimDueFeeds.js");
  const { applyFeedSync } = await import("../shared/domain/calendars/applyFeedSync.js");
  const orm = await initOrm();
  t.teardown(() => orm.close());
  const deps = { orm, redis: app().redis };
  // Nothing else is due in this file's database but what this test adds.
  await db().query("update calendar_feeds set next_sync_at = now() + interval '1 day'");
  const busyHost = await createHost();
  const otherHost = await createHost();
  const [a, b] = [await createListing(busyHost), await createListing(busyHost)];
  const c = await createListing(otherHost);
  const add = async (listingId: string, hostId: string, url: string, dueAgo: string) =>
    (
      await db().query(
        `insert into calendar_feeds (listing_id, host_id, name, url, next_sync_at)
         values ($1, $2, 'x', $3, now() - $4::interval) returning id`,
        [listingId, hostId, url, dueAgo],
      )
    ).rows[0].id as string;
  const first = await add(a.id, busyHost.id, "https://a.example/1.ics", "10 minutes");
  const second = await add(b.id, busyHost.id, "https://b.example/2.ics", "5 minutes");
  const third = await add(c.id, otherHost.id, "https://c.example/3.ics", "1 minute");
  const archived = await createListing(otherHost);
  await db().query("update listings set status = 'archived' where id = $1", [archived.id]);
  await add(archived.id, otherHost.id, "https://d.example/4.ics", "1 hour");

  const claim = () => execute(claimDueFeeds, { actor: null, input: { limit: 10 } }, deps);
  const round1 = await claim();
  t.deepEqual(round1.map((f) => f.id).sort(), [first, third].sort(), "one per host, the host's oldest due");
  t.deepEqual(await claim(), [], "each host has a fetch in flight: nothing more");

  await execute(
    applyFeedSync,
    { actor: null, input: { feedId: first, result: { outcome: "failed", error: "HTTP 503" } } },
    deps,
  );
  const round2 = await claim();
  t.deepEqual(
    round2.map((f) => f.id),
    [second],
    "the host's next feed, once the first is done",
  );
  const { rows } = await db().query(
    "select failures, last_outcome, last_error, next_sync_at > now() + interval '40 seconds' as backed_off from calendar_feeds where id = $1",
    [first],
  );
  t.deepEqual(rows[0], { failures: 1, last_outcome: "failed", last_error: "HTTP 503", backed_off: true });
});
