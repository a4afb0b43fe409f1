import "./helpers/env.js";

import test from "ava";
import { initOrm, type Orm } from "../shared/db/orm.js";
import { pruneLoginEvents } from "../shared/domain/accounts/pruneLoginEvents.js";
import { completePastStays } from "../shared/domain/bookings/completePastStays.js";
import { execute } from "../shared/domain/commands/execute.js";
import { inUnitOfWork as runCommand } from "../shared/domain/commands/unitOfWork.js";
import { pruneEvents } from "../shared/domain/events/pruneEvents.js";
import { pruneIdempotencyKeys } from "../shared/domain/idempotency/pruneKeys.js";
import { pruneWebhookReceipts } from "../shared/domain/payments/pruneWebhookReceipts.js";
import { JOB_NAMES } from "../shared/jobs/jobMap.js";
import { JobProducer } from "../shared/jobs/queue.js";
import { relaySideEffects } from "../shared/sideEffects/relay.js";
import { SCHEDULES } from "../worker/cron.js";
import { defineJob, type JobDefinition } from "../worker/jobs/defineJob.js";
import { allJobs, checkRegistry, concurrencyFor } from "../worker/registry.js";
import { jobsOfSideEffect, recordEmail, sideEffectRow } from "./helpers/emailFixtures.js";
import { closeFactories, createBooking, createGuest, createHost, createListing, day, db } from "./helpers/factories.js";

let orm: Orm;
let producer: JobProducer;
test.serial.before(async () => {
  orm = await initOrm();
  producer = await JobProducer.open("test-relay");
});
test.after.always(async () => {
  await producer?.close();
  await orm?.close();
  await closeFactories();
});

const noop = async () => undefined;

test("the registry refuses an unknown job name and a job defined twice, and covers every job and schedule", (t) => {
  const unknown = { name: "sendSms", handler: noop } as unknown as JobDefinition<any>;
  t.throws(() => checkRegistry([...allJobs, unknown]), { message: /unknown job name "sendSms"/ });
  const twice = defineJob({ name: "ping", handler: noop });
  t.throws(() => checkRegistry([...allJobs, twice]), { message: /job "ping" is defined twice/ });
  const registry = checkRegistry(allJobs);
  t.deepEqual([...registry.keys()].sort(), [...JOB_NAMES].sort(), "one file per job of JobMap");
  for (const { name } of SCHEDULES) t.true(registry.has(name), `scheduled task ${name} has a job`);
});

test("JOB_CONCURRENCY_<NAME> sets one job's concurrency", (t) => {
  process.env.JOB_CONCURRENCY_SENDEMAIL = "25";
  t.teardown(() => delete process.env.JOB_CONCURRENCY_SENDEMAIL);
  t.is(concurrencyFor("sendEmail"), 25);
  t.is(concurrencyFor("ping", 7), 7);
  process.env.JOB_CONCURRENCY_SENDEMAIL = "zero";
  t.is(concurrencyFor("sendEmail", 10), 10, "a bad value is ignored");
});

async function emailFixtures(count: number): Promise<number[]> {
  const host = await createHost();
  const guest = await createGuest();
  const listing = await createListing(host);
  const { id: booking } = await createBooking(listing, guest, { checkIn: day(40), checkOut: day(42) });
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const { rows } = await db().query(
      "insert into side_effects (kind, key, payload) values ('email', $1, $2::jsonb) returning id",
      [
        `email:test:${booking}:${i}`,
        JSON.stringify({ template: "booking_confirmed_guest", bookingId: booking, recipientUserId: guest.id }),
      ],
    );
    ids.push(Number(rows[0].id));
  }
  return ids;
}

test.serial(
  "the relay turns each side effect into exactly one job, even with two relays at once and after a crash",
  async (t) => {
    const ids = await emailFixtures(60);
    const [a, b] = await Promise.all([
      relaySideEffects(orm, producer, { limit: 40 }),
      relaySideEffects(orm, producer, { limit: 40 }),
    ]);
    t.is(a + b, 60, "the two relays shared the rows (skip locked), none twice");
    for (const id of ids) {
      t.is((await jobsOfSideEffect(id)).length, 1);
      t.truthy((await sideEffectRow(id)).enqueued_at);
    }
    const [job] = await jobsOfSideEffect(ids[0]);
    t.is(job.name, "sendEmail");

    // A relay that died after saving the job but before committing enqueued_at: the next one finds the job.
    await db().query("update side_effects set enqueued_at = null where id = $1", [ids[0]]);
    t.is(await relaySideEffects(orm, producer), 1);
    t.deepEqual(
      (await jobsOfSideEffect(ids[0])).map((j) => j.id),
      [job.id],
      "the same job, untouched",
    );
    // And the database itself refuses a second job for the same side effect.
    const duplicate = await t.throwsAsync(producer.enqueue("sendEmail", { sideEffectId: ids[0] }));
    t.is((duplicate as { code?: string }).code, "23505");
    t.is(await relaySideEffects(orm, producer), 0, "nothing left to relay");
  },
);

test.serial("past confirmed stays become completed, once, with their events and review request", async (t) => {
  const host = await createHost();
  const guest = await createGuest();
  const listing = await createListing(host);
  const { id: past } = await createBooking(listing, guest, { checkIn: day(-3), checkOut: day(0) });
  const { id: current } = await createBooking(listing, guest, { checkIn: day(0), checkOut: day(2) });
  const { id: cancelled } = await createBooking(listing, guest, {
    status: "cancelled",
    checkIn: day(-9),
    checkOut: day(-7),
  });

  t.is(await runCommand(orm, (tx) => completePastStays(tx)), 1);
  t.is(await runCommand(orm, (tx) => completePastStays(tx)), 0, "a second sweep finds nothing");
  const { rows } = await db().query("select id, status from bookings where id = any($1::uuid[])", [
    [past, current, cancelled],
  ]);
  const status = Object.fromEntries(rows.map((r) => [r.id, r.status]));
  t.deepEqual(status, { [past]: "completed", [current]: "confirmed", [cancelled]: "cancelled" });

  const { rows: events } = await db().query(
    "select type, user_ids, data->>'status' as status from committed_events where data->>'id' = $1",
    [past],
  );
  t.is(events.length, 1);
  t.is(events[0].type, "booking.updated");
  t.is(events[0].status, "completed");
  t.deepEqual([...events[0].user_ids].sort(), [guest.id, host.id].sort());
  const { rows: availability } = await db().query(
    "select count(*)::int as n from committed_events where type = 'listing.availability' and listing_id = $1",
    [listing.id],
  );
  t.is(availability[0].n, 1);
  const { rows: effects } = await db().query("select key, payload from side_effects where payload->>'bookingId' = $1", [
    past,
  ]);
  t.deepEqual(effects, [
    {
      key: `email:review_request_guest:${past}`,
      payload: { template: "review_request_guest", bookingId: past, recipientUserId: guest.id },
    },
  ]);
});

test.serial("pruneEvents deletes events older than the retention, in batches, and keeps the rest", async (t) => {
  await db().query(
    `insert into events (type, data, created_at)
     select 'booking.updated', '{}'::jsonb, now() - interval '40 days' from generate_series(1, 25)`,
  );
  const {
    rows: [recent],
  } = await db().query("insert into events (type, data) values ('booking.updated', '{}'::jsonb) returning id");
  t.is(await execute(pruneEvents, { actor: null, input: { olderThanDays: 30, batchSize: 10 } }, { orm }), 25);
  const { rows } = await db().query("select id from events where created_at < now() - interval '30 days'");
  t.deepEqual(rows, []);
  const { rows: kept } = await db().query("select id from events where id = $1", [recent.id]);
  t.is(kept.length, 1);
});

test.serial(
  "pruneIdempotencyKeys forgets keys older than their TTL, in batches, and keeps the recent ones",
  async (t) => {
    const guest = await createGuest();
    await db().query(
      `insert into idempotency_keys (user_id, scope, key, request_hash, status_code, response, created_at)
     select $1, 'bookings.create', 'old-' || n, 'h', 201, '{}'::jsonb, now() - interval '25 hours'
       from generate_series(1, 12) n`,
      [guest.id],
    );
    await db().query(
      `insert into idempotency_keys (user_id, scope, key, request_hash, created_at)
     values ($1, 'bookings.create', 'recent', 'h', now() - interval '23 hours')`,
      [guest.id],
    );
    t.is(
      await execute(pruneIdempotencyKeys, { actor: null, input: { olderThanHours: 24, batchSize: 5 } }, { orm }),
      12,
    );
    const { rows } = await db().query("select key from idempotency_keys where user_id = $1", [guest.id]);
    t.deepEqual(rows, [{ key: "recent" }]);
  },
);

test.serial(
  "pruneWebhookReceipts deletes receipts past the retention and keeps recent ones, processed or not, within Chapa's retry window",
  async (t) => {
    const receipt = (key: string, age: string, processed: boolean) =>
      db().query(
        `insert into webhook_receipts (provider, dedupe_key, event, tx_ref, body, outcome, received_at, processed_at)
         values ('chapa', $1, 'charge.success', 'nx-prune', '{}'::jsonb, $3, now() - $2::interval, $4)`,
        [key, age, processed ? "confirmed" : null, processed ? new Date() : null],
      );
    for (let n = 0; n < 7; n++) await receipt(`old-${n}`, "91 days", n % 2 === 0);
    await receipt("recent-processed", "89 days", true);
    await receipt("retrying", "2 days", true);
    await receipt("fresh-unprocessed", "1 minute", false);
    const keys = async () =>
      (
        await db().query("select dedupe_key from webhook_receipts where tx_ref = 'nx-prune' order by dedupe_key")
      ).rows.map((r) => r.dedupe_key);
    t.is(await execute(pruneWebhookReceipts, { actor: null, input: { olderThanDays: 90, batchSize: 3 } }, { orm }), 7);
    t.deepEqual(await keys(), ["fresh-unprocessed", "recent-processed", "retrying"]);
    // Asked for less than Chapa's retry window, it still keeps what a retry could match.
    t.is(await execute(pruneWebhookReceipts, { actor: null, input: { olderThanDays: 1 } }, { orm }), 1);
    t.deepEqual(await keys(), ["fresh-unprocessed", "retrying"]);
  },
);

test.serial(
  "pruneLoginEvents deletes login events older than the retention, in batches, and keeps the rest",
  async (t) => {
    const guest = await createGuest();
    const insert = (age: string, count: number) =>
      db().query(
        `insert into login_events (user_id, email, ip, success, created_at)
       select $1, $2, '127.0.0.1', true, now() - $3::interval from generate_series(1, $4::int)`,
        [guest.id, guest.email, age, count],
      );
    await insert("181 days", 9);
    await insert("179 days", 2);
    await insert("1 minute", 1);
    t.is(await execute(pruneLoginEvents, { actor: null, input: { olderThanDays: 180, batchSize: 4 } }, { orm }), 9);
    const { rows } = await db().query(
      "select count(*)::int as n, min(created_at) > now() - interval '180 days' as recent from login_events where user_id = $1",
      [guest.id],
    );
    t.deepEqual(rows[0], { n: 3, recent: true });
  },
);

test.serial("the relay takes the worker's bare Agenda as well as a producer", async (t) => {
  const host = await createHost();
  const guest = await createGuest();
  const listing = await createListing(host);
  const booking = await createBooking(listing, guest, { checkIn: day(60), checkOut: day(61) });
  const id = await recordEmail("booking_confirmed_host", booking, host.id);
  t.true((await relaySideEffects(orm, producer.agenda)) >= 1);
  t.is((await jobsOfSideEffect(id)).length, 1);
  t.truthy((await sideEffectRow(id)).enqueued_at);
});
