import "./helpers/env.js";
import "./helpers/chapa.js";
import "./helpers/generousRateLimits.js";

import type { EntityManager } from "@mikro-orm/postgresql";
import test from "ava";
import { initOrm, type Orm } from "../shared/db/orm.js";
import { sweepLapsedRequests } from "../shared/domain/bookings/declineLapsedRequests.js";
import { execute } from "../shared/domain/commands/execute.js";
import { composeEmail } from "../shared/domain/notifications/composeEmail.js";
import type { EmailTemplate } from "../shared/sideEffects/sideEffectMap.js";
import { completeCheckout } from "./helpers/chapa.js";
import { eventually } from "./helpers/eventually.js";
import {
  createAdmin,
  createBooking,
  createGuest,
  createHost,
  createListing,
  day,
  db,
  type TestListing,
  type TestUser,
} from "./helpers/factories.js";
import { bookingRow, countOf, eventTypesFor, usePaymentsStack } from "./helpers/payments.js";
import { spawnEntry } from "./helpers/processes.js";

const { api, stack } = usePaymentsStack();
let orm: Orm;
test.serial.before(async () => {
  orm = await initOrm();
});
test.after.always(async () => {
  await orm?.close();
});

async function requestListing(): Promise<{ host: TestUser; listing: TestListing }> {
  const host = await createHost();
  const listing = await createListing(host, { pricePerNight: 9_000 });
  await db().query("update listings set booking_mode = 'request' where id = $1", [listing.id]);
  return { host, listing };
}

const book = (guest: TestUser, listing: { id: string }, checkIn = day(20), checkOut = day(22)) =>
  api.post("/api/v1/bookings", { listingId: listing.id, checkIn, checkOut, guests: 1 }, guest.auth);

async function request() {
  const { host, listing } = await requestListing();
  const guest = await createGuest();
  const res = await book(guest, listing);
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return { host, listing, guest, booking: res.body.booking };
}

const accept = (id: string, user: TestUser) => api.post(`/api/v1/bookings/${id}/accept`, {}, user.auth);
const decline = (id: string, user: TestUser) => api.post(`/api/v1/bookings/${id}/decline`, {}, user.auth);

/** The `booking.updated` events recorded about a booking: their status and audience. */
async function updates(bookingId: string): Promise<{ status: string; user_ids: string[] }[]> {
  const { rows } = await db().query(
    "select data->>'status' as status, user_ids from committed_events where type = 'booking.updated' and data->>'id' = $1 order by stage, seq",
    [bookingId],
  );
  return rows;
}

async function emailKeys(bookingId: string): Promise<string[]> {
  const { rows } = await db().query(
    "select key from side_effects where kind = 'email' and payload->>'bookingId' = $1 order by key",
    [bookingId],
  );
  return rows.map((r) => r.key.split(":")[1]);
}

async function availability(listingId: string) {
  const res = await api.get(`/api/v1/listings/${listingId}/availability?from=${day(0)}&to=${day(60)}`);
  return res.body;
}

test("a request to book: 201 pending_approval until the approval deadline, holding the dates; the host is alerted", async (t) => {
  const { host, listing } = await requestListing();
  const guest = await createGuest();
  const before = Date.now();
  const res = await book(guest, listing);
  t.is(res.status, 201, JSON.stringify(res.body));
  const b = res.body.booking;
  t.like(b, { status: "pending_approval", guestId: guest.id, hostId: host.id, totalPrice: 2 * 9_000 });
  const deadlineIn = Date.parse(b.expiresAt) - before;
  t.true(Math.abs(deadlineIn - 24 * 3_600_000) < 10_000, `deadline in ${deadlineIn} ms`);

  const { rows } = await db().query(
    "select type, user_ids from committed_events where (type = 'booking.created' and data->>'id' = $1) order by stage, seq",
    [b.id],
  );
  t.deepEqual(rows, [{ type: "booking.created", user_ids: [host.id] }], "the host's instant alert");
  t.deepEqual(await emailKeys(b.id), ["booking_request_host", "booking_request_sent_guest"]);

  // The dates are held: another guest cannot take them, and availability shows them.
  const other = await book(await createGuest(), listing);
  t.is(other.status, 409);
  t.is(other.body.error.code, "dates_unavailable");
  const avail = await availability(listing.id);
  t.true(JSON.stringify(avail).includes(day(20)), JSON.stringify(avail));
});

const compose = (template: EmailTemplate, bookingId: string, recipientUserId: string) =>
  composeEmail(orm.em.fork() as EntityManager, {
    id: 1,
    key: `email:${template}:${bookingId}`,
    payload: { template, bookingId, recipientUserId },
  });
const subjectOf = async (template: EmailTemplate, bookingId: string, recipientUserId: string) => {
  const composed = await compose(template, bookingId, recipientUserId);
  return "email" in composed ? composed.email.subject : `skip: ${composed.skip}`;
};

test("the request's emails say what happens next, and step aside once the moment has passed", async (t) => {
  const { host, guest, booking } = await request();
  t.regex(await subjectOf("booking_request_host", booking.id, host.id), /^Request to book: .+ at Test stay$/);
  t.regex(await subjectOf("booking_request_sent_guest", booking.id, guest.id), /^Request sent: Test stay$/);
  const composed = await compose("booking_request_host", booking.id, host.id);
  t.true("email" in composed && composed.email.text.includes("declined on its own"));
  await accept(booking.id, host);
  t.regex(await subjectOf("booking_accepted_guest", booking.id, guest.id), /accepted: pay by .+ to confirm Test stay/);
  t.regex(await subjectOf("booking_request_host", booking.id, host.id), /^skip: request is pending_payment/);
  await db().query("update bookings set status = 'declined', note = 'Declined by the host.' where id = $1", [
    booking.id,
  ]);
  t.is(await subjectOf("booking_declined_guest", booking.id, guest.id), "Request declined: Test stay");
  t.regex(await subjectOf("booking_accepted_guest", booking.id, guest.id), /^skip: /);
});

test("request → accept → pay on Chapa → confirmed", async (t) => {
  const { host, guest, booking } = await request();
  const before = Date.now();
  const accepted = await accept(booking.id, host);
  t.is(accepted.status, 200, JSON.stringify(accepted.body));
  t.is(accepted.body.booking.status, "pending_payment");
  const holdIn = Date.parse(accepted.body.booking.expiresAt) - before;
  t.true(holdIn > 14 * 60_000 && holdIn <= 15 * 60_000 + 5000, `fresh hold for payment: ${holdIn} ms`);
  t.deepEqual(await updates(booking.id), [{ status: "pending_payment", user_ids: [guest.id, host.id] }]);
  t.true((await emailKeys(booking.id)).includes("booking_accepted_guest"));

  const pay = await api.post(`/api/v1/bookings/${booking.id}/payments`, {}, guest.auth);
  t.is(pay.status, 201, JSON.stringify(pay.body));
  await completeCheckout(pay.body.payment.checkoutUrl, "success");
  await eventually(async () => (await bookingRow(booking.id)).status === "confirmed", "the booking to be confirmed");
  t.is(countOf(await eventTypesFor(booking.id), "booking.updated"), 2);
});

test("request → decline: declined, dates freed, guest told live and by email", async (t) => {
  const { host, listing, guest, booking } = await request();
  const declined = await decline(booking.id, host);
  t.is(declined.status, 200, JSON.stringify(declined.body));
  t.like(declined.body.booking, { status: "declined", note: "Declined by the host.", expiresAt: null });
  t.deepEqual(await updates(booking.id), [{ status: "declined", user_ids: [guest.id, host.id] }]);
  const { rows } = await db().query(
    "select data from committed_events where type = 'listing.availability' and listing_id = $1 order by stage desc, seq desc limit 1",
    [listing.id],
  );
  t.deepEqual(rows[0].data.blocked, [], "the dates are free again");
  t.true((await emailKeys(booking.id)).includes("booking_declined_guest"));
  t.is((await book(await createGuest(), listing)).status, 201, "someone else can take them");
});

test("who may answer: a stranger gets 404, the guest 403, an admin may; every other move is 409 invalid_transition", async (t) => {
  const { host, guest, booking } = await request();
  const stranger = await createGuest();
  t.is((await accept(booking.id, stranger)).status, 404);
  t.is((await decline(booking.id, stranger)).status, 404);
  const own = await accept(booking.id, guest);
  t.is(own.status, 403);
  t.is(own.body.error.code, "forbidden");
  t.is((await decline(booking.id, guest)).status, 403);
  t.is((await accept("00000000-0000-4000-8000-000000000000", host)).status, 404);

  const admin = await createAdmin();
  t.is((await accept(booking.id, admin)).body.booking?.status, "pending_payment");
  for (const move of [accept, decline]) {
    const again = await move(booking.id, host);
    t.is(again.status, 409);
    t.is(again.body.error.code, "invalid_transition");
  }

  // An instant hold and a confirmed stay are no requests.
  const instantHost = await createHost();
  const instant = await createListing(instantHost);
  const hold = await book(await createGuest(), instant);
  t.is((await accept(hold.body.booking.id, instantHost)).body.error?.code, "invalid_transition");
  const confirmed = await createBooking(instant, await createGuest(), {
    status: "confirmed",
    checkIn: day(40),
    checkOut: day(42),
  });
  t.is((await decline(confirmed.id, instantHost)).body.error?.code, "invalid_transition");
});

test("the guest withdraws a request with cancel", async (t) => {
  const { guest, booking } = await request();
  const res = await api.post(`/api/v1/bookings/${booking.id}/cancel`, {}, guest.auth);
  t.is(res.status, 200, JSON.stringify(res.body));
  t.is(res.body.booking.status, "cancelled");
});

test("a request past its deadline no longer blocks: a new hold declines it (once) and takes the dates", async (t) => {
  const { listing, booking } = await request();
  await db().query("update bookings set expires_at = now() - interval '1 second' where id = $1", [booking.id]);
  await db().query("update listings set booking_mode = 'instant' where id = $1", [listing.id]);
  const res = await book(await createGuest(), listing);
  t.is(res.status, 201, JSON.stringify(res.body));
  const row = await bookingRow(booking.id);
  t.is(row.status, "declined");
  t.deepEqual(await updates(booking.id), [{ status: "declined", user_ids: [row.guest_id, listing.hostId] }]);
});

// Serial: the race test below runs the deployment-wide sweep, which would decline this lapsed request
// first (the accept would then find it declined, not lapsed, and say so).
test.serial("accepting a request past its deadline: 409 invalid_transition, and it ends declined, once", async (t) => {
  const { host, guest, listing, booking } = await request();
  await db().query("update bookings set expires_at = now() - interval '1 second' where id = $1", [booking.id]);
  const late = await accept(booking.id, host);
  t.is(late.status, 409);
  t.is(late.body.error.code, "invalid_transition");
  t.regex(late.body.error.message, /passed its deadline/);
  const row = await bookingRow(booking.id);
  t.is(row.status, "declined");
  t.is(row.note, "The host did not answer in time.");
  t.deepEqual(await updates(booking.id), [{ status: "declined", user_ids: [guest.id, host.id] }]);
  // Declined for good: neither answer applies any more, and the dates are free.
  t.is((await accept(booking.id, host)).body.error?.code, "invalid_transition");
  t.is((await decline(booking.id, host)).body.error?.code, "invalid_transition");
  t.is((await book(await createGuest(), listing)).status, 201);
});

// Serial (ava runs serial tests before the concurrent ones): its worker declines every lapsed request
// in the file's database, those the other tests make lapse on purpose too.
test.serial("request → deadline: the worker's job declines it, exactly once", async (t) => {
  const { listing, booking } = await request();
  const { booking: other } = await request();
  await db().query("update bookings set expires_at = now() - interval '1 second' where id = any($1::uuid[])", [
    [booking.id, other.id],
  ]);
  const worker = spawnEntry("worker/main.ts", {
    CRON_DECLINE_REQUESTS_EVERY: "0.5 seconds",
    JOB_PROCESS_EVERY_MS: "100",
  });
  try {
    await worker.waitFor(/worker started/);
    await eventually(
      async () =>
        (await bookingRow(booking.id)).status === "declined" && (await bookingRow(other.id)).status === "declined",
      "the worker to decline both requests",
    );
    // Two more runs of the job after that: nothing more happens to them.
    const seen = Date.now();
    await eventually(async () => {
      const { rows } = await db().query(
        "select last_finished_at from agenda_jobs where name = 'declineLapsedRequests'",
      );
      return rows[0]?.last_finished_at && rows[0].last_finished_at.getTime() > seen + 600;
    }, "two more runs of the job");
  } finally {
    await worker.stop();
  }
  const row = await bookingRow(booking.id);
  t.is(row.note, "The host did not answer in time.");
  t.deepEqual(
    (await updates(booking.id)).map((u) => u.status),
    ["declined"],
  );
  t.is((await emailKeys(booking.id)).filter((k) => k === "booking_declined_guest").length, 1);
  const blocked = (await availability(listing.id)).blocked ?? [];
  t.deepEqual(blocked, []);
});

test("accept racing the deadline: 100 runs, exactly one outcome each", async (t) => {
  const { host, listing } = await requestListing();
  const deps = { orm, redis: stack().app.redis };
  const outcomes = { accepted: 0, declined: 0 };
  for (let run = 0; run < 100; run++) {
    const guest = await createGuest();
    // The deadline falls within a few milliseconds of the accept, on either side.
    const request = await createBooking(listing, guest, {
      status: "pending_approval",
      checkIn: day(100 + run * 3),
      checkOut: day(102 + run * 3),
      expiresIn: `${Math.floor(Math.random() * 30) - 5} milliseconds`,
    });
    const [res] = await Promise.all([
      accept(request.id, host),
      execute(sweepLapsedRequests, { actor: null, input: {} }, deps),
    ]);
    const row = await bookingRow(request.id);
    const events = await updates(request.id);
    if (res.status === 200) {
      outcomes.accepted++;
      t.is(row.status, "pending_payment", `run ${run}`);
      t.deepEqual(
        events.map((e) => e.status),
        ["pending_payment"],
        `run ${run}`,
      );
    } else {
      outcomes.declined++;
      t.is(res.status, 409, `run ${run}: ${JSON.stringify(res.body)}`);
      t.is(res.body.error.code, "invalid_transition");
      t.is(row.status, "declined", `run ${run}`);
      t.deepEqual(
        events.map((e) => e.status),
        ["declined"],
        `run ${run}`,
      );
    }
  }
  t.log(outcomes);
});
