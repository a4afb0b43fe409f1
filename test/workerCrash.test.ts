import "./helpers/env.js";

import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import test from "ava";
import { jobsOfSideEffect, recordEmail, sideEffectRow, sideEffectState } from "./helpers/emailFixtures.js";
import { eventually } from "./helpers/eventually.js";
import { closeFactories, createBooking, createGuest, createHost, createListing, db } from "./helpers/factories.js";
import { type Spawned, spawnEntry } from "./helpers/processes.js";
import { TestSmtp } from "./helpers/smtp.js";

test.after.always(() => closeFactories());

function startWorker(t: { teardown(fn: () => unknown): void }, env: Record<string, string>): Spawned {
  const worker = spawnEntry("worker/main.ts", {
    CRON_RELAY_OUTBOX_EVERY: "0.2 seconds",
    JOB_PROCESS_EVERY_MS: "200",
    ...env,
  });
  t.teardown(() => worker.stop("SIGKILL"));
  return worker;
}

test.serial("a worker killed (SIGKILL) mid-email: after the lock lifetime another worker sends it, once", async (t) => {
  const smtp = await TestSmtp.start();
  t.teardown(() => smtp.close());
  // Attempts to spare: a second run held off by the row lock during the hang fails (and retries).
  const env = { SMTP_URL: smtp.url, JOB_LOCK_LIFETIME_MS: "2000", JOB_BACKOFF_MS: "300", JOB_MAX_ATTEMPTS: "10" };
  const workers = [startWorker(t, env), startWorker(t, env)];
  await Promise.all(workers.map((w) => w.waitFor(/worker started/)));

  const host = await createHost();
  const guest = await createGuest();
  const listing = await createListing(host);
  const booking = await createBooking(listing, guest, { checkIn: "2033-01-01", checkOut: "2033-01-03" });
  const stalled = smtp.stallNextData();
  const id = await recordEmail("booking_confirmed_guest", booking, guest.id);
  await stalled; // one worker has sent the whole message; the server does not answer it
  const [lockedJob] = await jobsOfSideEffect(id);
  const stuck = workers.find((w) => lockedJob.last_modified_by === `worker-${w.child.pid}@${hostname()}`)!;
  const survivor = workers.find((w) => w !== stuck)!;
  t.truthy(stuck, "the job is locked by the worker that is sending");

  // Past the lock lifetime the other worker takes the job, but the side effect is still being sent
  // (its row is locked by the stuck worker's transaction): it must not send a second copy.
  await eventually(
    () => workers.some((w) => w.output().includes(`side effect ${id} is being sent by another run`)),
    "a second run, once the lock lapsed, to be held off by the row lock",
    { explain: async () => ({ ...(await sideEffectState(id)), smtpMessages: smtp.messages.length }) },
  );
  t.is(smtp.messages.length, 0, "nothing sent while the first attempt hangs");
  await stuck.stop("SIGKILL");
  t.is((await sideEffectRow(id)).done_at, null);

  const [mail] = await smtp.waitForMessages(1, 15_000);
  t.deepEqual(mail.envelopeTo, [guest.email]);
  t.is(mail.messageId, `<side-effect-${id}@nexus>`);
  const row = await eventually(async () => {
    const r = await sideEffectRow(id);
    return r.done_at ? r : null;
  }, "done_at");
  t.is(row.attempts, 1, "the killed attempt never got to record anything");
  await survivor.waitFor(new RegExp(`"sideEffectId":${id},.*"msg":"email sent"`)); // the other worker sent it
  // Once its job is gone, nothing is left that could send it again.
  await eventually(async () => (await jobsOfSideEffect(id)).length === 0, "the completed job to be removed", {
    explain: () => sideEffectState(id),
  });
  t.is(smtp.messages.length, 1, "the recipient got one email in the end");
  t.is(smtp.dataAttempts, 2, "the stalled attempt and the one that was accepted");
  // SIGTERM: exit 0, and nothing left locked by it (jobs it had locked ahead are released at once).
  t.is(await survivor.stop("SIGTERM"), 0);
  const { rows: locked } = await db().query(
    "select name from agenda_jobs where locked_at is not null and last_modified_by = $1",
    [`worker-${survivor.child.pid}@${hostname()}`],
  );
  t.deepEqual(locked, []);
});

interface Run {
  job: string;
  startedAt: number;
  worker: number;
}

function runsIn(output: string): Run[] {
  return output
    .split("\n")
    .filter((line) => line.includes('"msg":"job ran"'))
    .map((line) => JSON.parse(line))
    .map((l) => ({ job: l.job, startedAt: Date.parse(l.startedAt), worker: l.worker }));
}

test.serial("two workers: each scheduled tick runs once, and each expired hold is expired once", async (t) => {
  const host = await createHost();
  const guest = await createGuest();
  const listings = await Promise.all([1, 2, 3].map(() => createListing(host)));
  const holds: string[] = [];
  for (const [i, listing] of listings.entries()) {
    for (let n = 0; n < 5; n++) {
      holds.push(
        (
          await createBooking(listing, guest, {
            status: "pending_payment",
            checkIn: `2034-0${i + 1}-${String(n * 3 + 1).padStart(2, "0")}`,
            checkOut: `2034-0${i + 1}-${String(n * 3 + 3).padStart(2, "0")}`,
            expiresIn: "-1 minute",
          })
        ).id,
      );
    }
  }
  const env = {
    LOG_LEVEL: "debug",
    CRON_EXPIRE_HOLDS_EVERY: "0.5 seconds",
    CRON_RELAY_OUTBOX_EVERY: "0.5 seconds",
    JOB_PROCESS_EVERY_MS: "100",
  };
  const workers = [startWorker(t, env), startWorker(t, env)];
  await Promise.all(workers.map((w) => w.waitFor(/worker started/)));
  // Counted from the first run of each: a task still locked by a worker an earlier test killed waits
  // out TASK_LOCK_LIFETIME_MS first (that case has its own test below).
  const tasks = ["expireUnpaidHolds", "relayOutbox"];
  const allRuns = () => workers.flatMap((w) => runsIn(w.output()));
  const firstRuns = await eventually(async () => {
    const runs = allRuns();
    const firsts = tasks.map((job) => Math.min(...runs.filter((r) => r.job === job).map((r) => r.startedAt)));
    return firsts.every(Number.isFinite) ? firsts : null;
  }, "a first run of every task");
  const windowStart = Math.max(...firstRuns);
  // A measurement window, not a wait for something: the runs are counted over these 5 s.
  await sleep(Math.max(0, windowStart + 5000 - Date.now()));
  await Promise.all(workers.map((w) => w.stop("SIGTERM")));

  for (const job of tasks) {
    const runs = allRuns()
      .filter((r) => r.job === job && r.startedAt >= windowStart - 500)
      .sort((a, b) => a.startedAt - b.startedAt);
    const perWorker = workers.map((w) => runs.filter((r) => r.worker === w.child.pid).length);
    t.log(`${job}: ${runs.length} runs in ~5 s (per worker: ${perWorker.join(" + ")})`);
    t.true(runs.length >= 7, `${job}: runs every 0.5 s tick, got ${runs.length}`);
    const gaps = runs.slice(1).map((r, i) => r.startedAt - runs[i].startedAt);
    t.true(
      gaps.every((gap) => gap >= 480),
      `${job}: runs are at least one interval apart (no tick ran twice): ${gaps.join(", ")} ms`,
    );
  }

  const { rows: bookings } = await db().query("select status from bookings where id = any($1::uuid[])", [holds]);
  t.true(
    bookings.every((b) => b.status === "expired"),
    "every hold expired",
  );
  const {
    rows: [counts],
  } = await db().query(
    `select (select count(*)::int from committed_events where type = 'booking.updated' and data->>'id' = any($1::text[])) as events,
            (select count(*)::int from side_effects where key like 'email:hold_expired_guest:%'
                                                    and payload->>'bookingId' = any($1::text[])) as emails`,
    [holds],
  );
  t.deepEqual(counts, { events: holds.length, emails: holds.length }, "one event and one email per expired hold");
});

/** A guest's confirmed stay on a new listing: what an email side effect needs. */
async function confirmedBooking(checkIn: string, checkOut: string) {
  const guest = await createGuest();
  const booking = await createBooking(await createListing(await createHost()), guest, { checkIn, checkOut });
  return { guest, booking };
}

/** Makes the relayOutbox task's row look locked by `holder`, `ageMs` ago; returns when that was. */
async function lockRelayTask(holder: string, ageMs: number): Promise<number> {
  const { rows } = await db().query(
    `update agenda_jobs set locked_at = now() - $2 * interval '1 millisecond', last_modified_by = $1
      where name = 'relayOutbox' returning locked_at`,
    [holder, ageMs],
  );
  return new Date(rows[0].locked_at).getTime();
}

/** Starts a worker and stops it again, so the task rows exist (`every` creates them at start). */
async function scheduleTasksOnce(t: { teardown(fn: () => unknown): void }) {
  const worker = startWorker(t, {});
  await worker.waitFor(/worker started/);
  await worker.stop("SIGTERM");
}

/** When the relay turned the side effect into a job (its job may be done and removed already). */
async function relayedAt(sideEffectId: number): Promise<number> {
  const row = await eventually(async () => {
    const { rows } = await db().query("select enqueued_at from side_effects where id = $1", [sideEffectId]);
    return rows[0]?.enqueued_at ? rows[0] : null;
  }, `side effect ${sideEffectId} relayed`);
  return new Date(row.enqueued_at).getTime();
}

test.serial(
  "a task locked by a worker that was killed runs again within TASK_LOCK_LIFETIME_MS, not JOB_LOCK_LIFETIME_MS",
  async (t) => {
    await scheduleTasksOnce(t);
    const { guest, booking } = await confirmedBooking("2035-01-01", "2035-01-03");
    // What a SIGKILLed worker leaves: its lock on the task (taken ahead of a tick, or mid-run).
    const lockedAt = await lockRelayTask(`worker-1@gone-${process.pid}`, 0);
    const id = await recordEmail("booking_confirmed_guest", booking, guest.id);
    const worker = startWorker(t, { TASK_LOCK_LIFETIME_MS: "2000", JOB_LOCK_LIFETIME_MS: "60000" });
    await worker.waitFor(/worker started/);
    const started = Date.now();
    const relayed = await relayedAt(id);
    t.log(`side effect became a job ${relayed - lockedAt} ms after the dead worker's lock`);
    t.true(relayed - lockedAt >= 1900, "the lock was honoured until it lapsed");
    // From whichever came last, the lock's end or the worker's start (slow on a loaded machine).
    const due = Math.max(lockedAt + 2000, started);
    t.true(relayed - due < 2500, `and the task ran within a few ticks of that (${relayed - due} ms)`);
  },
);

test.serial(
  "a worker lets its own locks lapse when the store lost the end of their runs (a PostgreSQL restart)",
  async (t) => {
    await scheduleTasksOnce(t);
    const { guest, booking } = await confirmedBooking("2035-02-01", "2035-02-03");
    const worker = startWorker(t, { TASK_LOCK_LIFETIME_MS: "60000", LOG_LEVEL: "info" });
    await worker.waitFor(/worker started/);
    // As after a restart mid-run: the row says this very worker holds the task, its memory says not.
    const lockedAt = await lockRelayTask(`worker-${worker.child.pid}@${hostname()}`, 3000);
    const id = await recordEmail("booking_confirmed_guest", booking, guest.id);
    const relayed = await relayedAt(id);
    t.log(`side effect became a job ${relayed - lockedAt - 3000} ms after the forgotten lock was set`);
    t.true(relayed - lockedAt < 3000 + 5000, "well before the 60 s lock lifetime");
    await worker.waitFor(/locks left over from runs whose end was not recorded now lapse/);
  },
);

test.serial(
  "the worker's database connection dies while SMTP takes the message: recorded as sent, never sent twice",
  async (t) => {
    const smtp = await TestSmtp.start();
    t.teardown(() => smtp.close());
    const worker = startWorker(t, { SMTP_URL: smtp.url, JOB_BACKOFF_MS: "200" });
    await worker.waitFor(/worker started/);
    const { guest, booking } = await confirmedBooking("2035-03-01", "2035-03-03");
    const held = smtp.holdNextData();
    const id = await recordEmail("booking_confirmed_guest", booking, guest.id);
    await held.received;
    // What a PostgreSQL restart does to it: the connection holding the side effect's row (idle in its
    // transaction while SMTP answers) is terminated (57P01). Then the server accepts the message.
    const { rows } = await db().query(
      `select pg_terminate_backend(pid) as ended from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid() and state like 'idle in transaction%'`,
    );
    t.true(rows.length >= 1 && rows.every((r) => r.ended), "the sending run's connection was terminated");
    held.release();
    const row = await eventually(async () => {
      const r = await sideEffectRow(id);
      return r.done_at ? r : null;
    }, "done_at");
    t.is(row.attempts, 1);
    await worker.waitFor(
      new RegExp(`"sideEffectId":${id},.*email sent \\(recorded once the database answered again\\)`),
    );
    // A retry, if one were wrongly scheduled, would be this same job, sending within its 200 ms
    // backoff: once the job is gone, none can come.
    await eventually(async () => (await jobsOfSideEffect(id)).length === 0, "the completed job to be removed", {
      explain: () => sideEffectState(id),
    });
    t.is(smtp.messages.length, 1, "delivered once");
    t.is(smtp.dataAttempts, 1, "and attempted once");
  },
);
