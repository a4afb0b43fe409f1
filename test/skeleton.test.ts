import "./helpers/env.js";

import Router from "@koa/router";
import test from "ava";
import pg from "pg";
import { initOrm } from "../shared/db/orm.js";
import type { BookingStatus } from "../shared/domain/bookings/status.js";
import { JobProducer } from "../shared/jobs/queue.js";
import { startApp } from "./helpers/app.js";
import { databaseUrl } from "./helpers/env.js";
import { eventually } from "./helpers/eventually.js";
import { closeFactories, createBooking } from "./helpers/factories.js";
import { PrivateRedis } from "./helpers/privateRedis.js";
import { spawnEntry } from "./helpers/processes.js";

const sql = new pg.Pool({ connectionString: databaseUrl, max: 3 });
test.after.always(async () => {
  await sql.end();
  await closeFactories();
});

test("migrations apply to an empty database and leave no schema difference", async (t) => {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  const emptyName = `${databaseUrl.split("/").pop()}_empty`;
  await admin.query(`create database ${emptyName}`);
  await admin.end();
  const emptyUrl = databaseUrl.replace(/\/[^/]+$/, `/${emptyName}`);
  const orm = await initOrm({ clientUrl: emptyUrl });
  try {
    const applied = await orm.getMigrator().up();
    t.true(applied.length >= 1);
    const diff = await orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
    t.is(diff.trim(), "", `schema differs from the entities:\n${diff}`);
    const tables = await orm.em.getConnection().execute("select tablename from pg_tables where schemaname = 'public'");
    const names = tables.map((r) => String(r.tablename));
    for (const table of [
      "users",
      "listings",
      "bookings",
      "payments",
      "webhook_receipts",
      "reviews",
      "messages",
      "events",
      "login_events",
      "idempotency_keys",
      "agenda_jobs",
    ]) {
      t.true(names.includes(table), `${table} exists`);
    }
  } finally {
    await orm.close();
  }
});

test("the exclusion constraint rejects an overlapping active booking and accepts an adjacent one", async (t) => {
  const {
    rows: [host],
  } = await sql.query(
    "insert into users (email, name, role, password_hash) values ('h@x.test', 'H', 'host', 'x') returning id",
  );
  const {
    rows: [guest],
  } = await sql.query("insert into users (email, name, password_hash) values ('g@x.test', 'G', 'x') returning id");
  const {
    rows: [listing],
  } = await sql.query(
    "insert into listings (host_id, title, description, city, country, price_per_night, currency, max_guests) values ($1, 'L', 'd', 'Addis Ababa', 'Ethiopia', 1000, 'ETB', 2) returning id",
    [host.id],
  );
  const insert = (checkIn: string, checkOut: string, status: BookingStatus = "pending_payment") =>
    createBooking(listing, guest, { status, checkIn, checkOut });
  await insert("2030-01-10", "2030-01-15");
  const overlap = await t.throwsAsync(insert("2030-01-14", "2030-01-16", "confirmed"));
  t.is((overlap as { code?: string }).code, "23P01");
  await t.notThrowsAsync(insert("2030-01-15", "2030-01-17"), "adjacent stay (checkOut = next checkIn) is fine");
  await t.notThrowsAsync(insert("2030-01-11", "2030-01-12", "cancelled"), "inactive bookings do not block");
});

test("errors have the API.md shape", async (t) => {
  const extraRoutes = new Router().get("/__test/boom", () => {
    throw new Error("kaboom: a bug");
  });
  const app = await startApp({ extraRoutes });
  t.teardown(() => app.close());
  const post = (body: string, type = "application/json") =>
    fetch(`${app.url}/api/v1/auth/login`, { method: "POST", headers: { "content-type": type }, body });

  const malformed = await post("{not json");
  t.is(malformed.status, 400);
  t.is((await malformed.json()).error.code, "invalid_json");

  const big = await post(JSON.stringify({ email: "x".repeat(110_000) }));
  t.is(big.status, 413);
  t.is((await big.json()).error.code, "payload_too_large");

  const text = await post("hello", "text/plain");
  t.is(text.status, 415);
  t.is((await text.json()).error.code, "unsupported_media_type");

  const unknown = await fetch(`${app.url}/api/v1/no-such-thing`);
  t.is(unknown.status, 404);
  const unknownBody = await unknown.json();
  t.is(unknownBody.error.code, "not_found");
  t.deepEqual(Object.keys(unknownBody.error).sort(), ["code", "details", "message"]);

  const boom = await fetch(`${app.url}/__test/boom`);
  t.is(boom.status, 500);
  const boomBody = await boom.json();
  const requestId = boom.headers.get("x-request-id");
  t.truthy(requestId);
  t.is(boomBody.error.code, "internal_error");
  t.is(boomBody.error.requestId, requestId);
  t.true(boomBody.error.message.includes(requestId!));
  t.false(JSON.stringify(boomBody).includes("at "), "no stack trace in the body");
});

test("/readyz is 503 naming Redis while Redis is down, and 200 again when it is back", async (t) => {
  const redis = await PrivateRedis.start();
  const app = await startApp({ redisUrl: redis.url });
  t.teardown(async () => {
    await app.close();
    await redis.stop();
  });
  t.is((await fetch(`${app.url}/readyz`)).status, 200);
  await redis.stop();
  const down = await fetch(`${app.url}/readyz`);
  t.is(down.status, 503);
  const body = await down.json();
  t.deepEqual(body.failed, ["redis"]);
  await redis.start();
  const status = await eventually(
    async () => {
      const res = await fetch(`${app.url}/readyz`);
      return res.status === 200 && res.status;
    },
    "/readyz back to 200 with Redis",
    { timeoutMs: 5000, intervalMs: 100 },
  );
  t.is(status, 200);
});

async function jobRow(id: string) {
  const { rows } = await sql.query("select last_run_at, last_finished_at, fail_reason from agenda_jobs where id = $1", [
    id,
  ]);
  return rows[0] as { last_run_at: Date | null; last_finished_at: Date | null; fail_reason: string | null };
}

/** Backends whose last statement was a LISTEN: notification channels that are set up. */
async function listeners(): Promise<number[]> {
  const { rows } = await sql.query(
    "select pid from pg_stat_activity where datname = current_database() and query like 'LISTEN %'",
  );
  return rows.map((r) => r.pid);
}

/**
 * Starts a worker and resolves once it is LISTENing (set up right after it logs "started"): a LISTEN
 * backend that was not there before (pids, not a count: an earlier test's may still be going away).
 */
async function listeningWorker(t: { teardown(fn: () => unknown): void }, env: Record<string, string>) {
  const before = new Set(await listeners());
  const worker = spawnEntry("worker/main.ts", env);
  t.teardown(() => worker.stop("SIGKILL"));
  await worker.waitFor(/worker started/);
  await eventually(async () => (await listeners()).some((pid) => !before.has(pid)), "the worker's LISTEN", {
    intervalMs: 20,
    explain: async () => ({ before: [...before], now: await listeners() }),
  });
  return worker;
}

test.serial("a job enqueued by the web side runs in a separate worker process within one second", async (t) => {
  await listeningWorker(t, { NEXUS_PROCESS: "worker", JOB_PROCESS_EVERY_MS: "5000" });
  const producer = await JobProducer.open("test-web");
  t.teardown(() => producer.close());
  const enqueuedAt = Date.now();
  const job = await producer.enqueue("ping", { sentAt: enqueuedAt });
  const row = await eventually(
    async () => {
      const r = await jobRow(String(job.attrs._id));
      return r.last_finished_at && r;
    },
    "the job to run",
    { timeoutMs: 3000, intervalMs: 20 },
  );
  t.truthy(row.last_finished_at, "the job ran");
  // Polling is every 5 s here, so a run within 1 s proves the notification channel did its work.
  t.true(row.last_run_at!.getTime() - enqueuedAt < 1000, `started after ${row.last_run_at!.getTime() - enqueuedAt} ms`);
});

test.serial("SIGTERM on a worker mid-job lets the job finish, then the worker exits 0", async (t) => {
  const worker = await listeningWorker(t, { NEXUS_PROCESS: "worker" });
  const producer = await JobProducer.open("test-web");
  t.teardown(() => producer.close());
  const job = await producer.enqueue("ping", { sleepMs: 1500 });
  const id = String(job.attrs._id);
  await eventually(async () => (await jobRow(id)).last_run_at, "the job to start", { intervalMs: 20 });
  const code = await worker.stop("SIGTERM");
  t.is(code, 0);
  const row = await jobRow(id);
  t.truthy(row.last_finished_at, "the running job finished before the worker exited");
  t.is(row.fail_reason, null);
});
