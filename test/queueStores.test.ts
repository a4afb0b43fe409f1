import "./helpers/env.js";

import test from "ava";
import { config } from "../shared/config.js";
import { initOrm, type Orm } from "../shared/db/orm.js";
import { JobProducer, openQueue, type Queue, type QueueKind, queueKind } from "../shared/jobs/queue.js";
import { relaySideEffects } from "../shared/sideEffects/relay.js";
import type { WorkerDeps } from "../worker/deps.js";
import { defineJob } from "../worker/jobs/defineJob.js";
import { registerJobs } from "../worker/registry.js";
import { recordEmail } from "./helpers/emailFixtures.js";
import { databaseUrl } from "./helpers/env.js";
import { eventually } from "./helpers/eventually.js";
import { closeFactories, createBooking, createGuest, createHost, createListing, day } from "./helpers/factories.js";

/**
 * The same queue behaviour, run against every job store whose URL is available here. PostgreSQL is
 * always there; MongoDB cannot be installed on these machines, so its suite runs only where MONGO_URL
 * points at one (docker-compose), and is reported as skipped otherwise: never faked. The skipped
 * test's title ends in "(skipped: <reason>)", which .ci/run quotes in its summary line.
 */
const stores: { kind: QueueKind; label: string; url: string | undefined; missing: string }[] = [
  { kind: "postgres", label: "PostgreSQL job store", url: databaseUrl, missing: "" },
  { kind: "mongodb", label: "MongoDB job store", url: process.env.MONGO_URL, missing: "MONGO_URL not set" },
];

let orm: Orm | null = null;
const getOrm = async () => {
  orm ??= await initOrm();
  return orm;
};
test.after.always(async () => {
  await orm?.close();
  await closeFactories();
});

test("job stores: the PostgreSQL suite always runs, and each available store's URL opens that store", (t) => {
  t.truthy(databaseUrl, "PostgreSQL is always there: its suite is never skipped");
  for (const store of stores) {
    if (store.url) t.is(queueKind(store.url), store.kind, `${store.label}: its URL selects it`);
    else t.not(store.missing, "", `${store.label}: a skipped suite says why`);
  }
});

for (const store of stores) {
  if (!store.url) {
    test.skip(`${store.label}: queue behaviour suite (skipped: ${store.missing})`, () => {});
    continue;
  }
  const url = store.url;
  const runs: number[] = [];
  const failOnce = new Set<number>();
  let ctx: Promise<{ worker: Queue; producer: JobProducer }> | null = null;
  // One worker Agenda and one producer per store, opened by the first test that needs them.
  const open = () => {
    ctx ??= (async () => {
      const worker = await openQueue({ name: `test-${store.kind}-worker`, url, processEveryMs: 200 });
      const flakyPing = defineJob({
        name: "ping",
        async handler(data) {
          runs.push(data.sentAt!);
          if (failOnce.delete(data.sentAt!)) throw new Error("transient failure (test)");
        },
      });
      registerJobs({ queue: worker } as WorkerDeps, [flakyPing]);
      await worker.agenda.start();
      const producer = await JobProducer.open(`test-${store.kind}-producer`, url);
      return { worker, producer };
    })();
    return ctx;
  };
  test.after.always(async () => {
    if (!ctx) return;
    const { worker, producer } = await ctx;
    await producer.close();
    await worker.close();
  });

  const stateOf = async (queue: Queue, id: string) => (await queue.agenda.queryJobs({ id, limit: 1 })).jobs[0];

  test.serial(`${store.label}: a job enqueued by a producer runs on the worker`, async (t) => {
    const { worker, producer } = await open();
    const sentAt = Date.now();
    const job = await producer.enqueue("ping", { sentAt });
    const id = String(job.attrs._id);
    const done = await eventually(async () => {
      const s = await stateOf(worker, id);
      return s?.state === "completed" ? s : null;
    }, "the ping to complete");
    t.true(runs.includes(sentAt));
    t.log(`${store.kind}: enqueue → start ${new Date(done.lastRunAt!).getTime() - sentAt} ms`);
  });

  test.serial(`${store.label}: a failing job is retried with backoff, then succeeds`, async (t) => {
    const { worker, producer } = await open();
    const sentAt = Date.now() + 1; // a marker distinct from the other test's
    failOnce.add(sentAt);
    const job = await producer.enqueue("ping", { sentAt });
    const id = String(job.attrs._id);
    const failed = await eventually(async () => {
      const s = await stateOf(worker, id);
      return s?.failCount === 1 && s.nextRunAt ? s : null;
    }, "the first failure");
    const delay = new Date(failed.nextRunAt!).getTime() - new Date(failed.failedAt!).getTime();
    t.true(delay >= config.JOB_BACKOFF_MS * 0.8, `the retry waits the backoff (${delay} ms)`);
    const done = await eventually(
      async () => {
        const s = await stateOf(worker, id);
        return s?.state === "completed" ? s : null;
      },
      "the retry to succeed",
      config.JOB_BACKOFF_MS * 3,
    );
    t.is(runs.filter((r) => r === sentAt).length, 2, "ran twice: the failure and the retry");
    t.is(done.failCount ?? 0, 0, "success resets the failure count");
  });

  test.serial(`${store.label}: at most one job per side effect, however often it is relayed`, async (t) => {
    const { producer } = await open();
    const db = await getOrm();
    const host = await createHost();
    const guest = await createGuest();
    const listing = await createListing(host);
    const booking = await createBooking(listing, guest, { checkIn: day(70), checkOut: day(71) });
    const id = await recordEmail("booking_confirmed_guest", booking, guest.id);
    await relaySideEffects(db, producer);
    // As if the relay had died before committing enqueued_at, twice.
    for (let i = 0; i < 2; i++) {
      await db.em.getConnection().execute("update side_effects set enqueued_at = null where id = ?", [id]);
      await relaySideEffects(db, producer);
    }
    const { jobs, total } = await producer.agenda.queryJobs({ name: "sendEmail", data: { sideEffectId: id } });
    t.is(total, 1);
    t.deepEqual(jobs[0].data, { sideEffectId: id });
  });
}
