/**
 * Job queue benchmark (loopback only, bounded: every scenario stops after BENCH_SCENARIO_SECONDS,
 * 15 s by default). A fresh database cloned from the test template, real worker processes (1, then 2)
 * on the PostgreSQL store, and this process as the producer. Prints, for each worker count:
 * - no-op throughput: PING_JOBS `ping` jobs enqueued as fast as the producer can, jobs/s from the
 *   first enqueue to the last finish;
 * - enqueue-to-start latency: pings enqueued at a steady LATENCY_RATE/s, each carrying `sentAt`; its
 *   start is Agenda's last_run_at (same machine, same clock), p50/p99;
 * - email throughput: EMAILS recorded email side effects, relayed into `sendEmail` jobs (the real
 *   relay) and sent by the real handler to an SMTP server in this process; jobs/s from the relay's
 *   start to the last done_at.
 *
 *   npx tsx scripts/bench/jobs.ts
 *
 * The environment is set before any app module is imported: config is read once, at import.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { SMTPServer } from "smtp-server";
import { benchDatabase } from "./benchDatabase.js";

const SCENARIO_MS = Math.min(Number(process.env.BENCH_SCENARIO_SECONDS ?? 15), 20) * 1000;
const PING_JOBS = Number(process.env.PING_JOBS ?? 3000);
const LATENCY_JOBS = Number(process.env.LATENCY_JOBS ?? 300);
const LATENCY_RATE = Number(process.env.LATENCY_RATE ?? 100);
const EMAILS = Number(process.env.EMAILS ?? 600);
const ENQUEUE_CONCURRENCY = 32;

const root = fileURLToPath(new URL("../..", import.meta.url));
const database = benchDatabase("jobs");
process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? "warn";
process.env.NODE_ENV = "test";

/** A loopback SMTP server that accepts everything and counts. */
async function startSmtp(): Promise<{ url: string; count: () => number; close: () => Promise<void> }> {
  let accepted = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    logger: false,
    closeTimeout: 100,
    onData(stream, _session, callback) {
      stream.on("data", () => undefined);
      stream.on("end", () => {
        accepted++;
        callback(null, "ok");
      });
    },
  });
  server.listen(0, "127.0.0.1");
  await once(server.server, "listening");
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    count: () => accepted,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function spawnWorker(env: Record<string, string>): { child: ChildProcess; started: Promise<void> } {
  const child = spawn(process.execPath, ["--import", "tsx", "worker/main.ts"], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const started = new Promise<void>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("worker started")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`worker exited (${code}) before starting:\n${out}`)));
  });
  return { child, started };
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : Number.NaN;

async function main(): Promise<void> {
  await database.create();
  const { initOrm } = await import("../../shared/db/orm.js");
  const { JobProducer } = await import("../../shared/jobs/queue.js");
  const { relaySideEffects } = await import("../../shared/sideEffects/relay.js");
  const orm = await initOrm();
  const sql = new pg.Pool({ connectionString: database.url, max: 4 });
  const smtp = await startSmtp();
  const producer = await JobProducer.open("bench-producer");
  const results: string[] = [];

  // Email fixtures: one host, one guest, one listing, one confirmed booking; each email is its own side effect.
  const { rows: users } = await sql.query(
    `insert into users (email, name, role, password_hash) values
       ('host@bench.test', 'Bench Host', 'host', 'x'), ('guest@bench.test', 'Bench Guest', 'guest', 'x') returning id, role`,
  );
  const hostId = users.find((u) => u.role === "host").id;
  const guestId = users.find((u) => u.role === "guest").id;
  const {
    rows: [booking],
  } = await sql.query(
    `with l as (insert into listings (host_id, title, description, city, country, price_per_night, currency, max_guests)
                values ($1, 'Bench loft', 'd', 'Addis Ababa', 'Ethiopia', 10000, 'ETB', 2) returning id)
     insert into bookings (listing_id, guest_id, check_in, check_out, guests, total_price, currency, status)
     select l.id, $2, '2040-01-01', '2040-01-03', 1, 20000, 'ETB', 'confirmed' from l returning id`,
    [hostId, guestId],
  );

  const waitUntil = async (query: string, params: unknown[], target: number, since: number) => {
    for (;;) {
      const { rows } = await sql.query(query, params);
      if (rows[0].n >= target || Date.now() - since > SCENARIO_MS) return { done: rows[0].n as number, at: Date.now() };
      await sleep(20);
    }
  };

  for (const workerCount of [1, 2]) {
    const workers = Array.from({ length: workerCount }, () => spawnWorker({ SMTP_URL: smtp.url }));
    await Promise.all(workers.map((w) => w.started));
    await sleep(500); // notification subscriptions
    const label = `${workerCount} worker${workerCount > 1 ? "s" : ""}`;

    // 1. No-op throughput.
    await sql.query("delete from agenda_jobs where name = 'ping'");
    let start = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: ENQUEUE_CONCURRENCY }, async () => {
        while (next < PING_JOBS && Date.now() - start < SCENARIO_MS) {
          next++;
          await producer.enqueue("ping", { sentAt: Date.now() });
        }
      }),
    );
    const enqueued = next;
    const enqueueMs = Date.now() - start;
    const noop = await waitUntil(
      "select count(*)::int as n from agenda_jobs where name = 'ping' and last_finished_at is not null",
      [],
      enqueued,
      start,
    );
    const noopRate = (noop.done / (noop.at - start)) * 1000;
    results.push(
      `${label}: no-op ${noop.done}/${enqueued} jobs in ${noop.at - start} ms = ${noopRate.toFixed(0)} jobs/s (enqueue alone: ${((enqueued / enqueueMs) * 1000).toFixed(0)}/s)`,
    );

    // 2. Enqueue-to-start latency at a steady rate.
    await sql.query("delete from agenda_jobs where name = 'ping'");
    start = Date.now();
    for (let i = 0; i < LATENCY_JOBS && Date.now() - start < SCENARIO_MS; i++) {
      const due = start + (i * 1000) / LATENCY_RATE;
      if (due > Date.now()) await sleep(due - Date.now());
      void producer.enqueue("ping", { sentAt: Date.now() });
    }
    await waitUntil(
      "select count(*)::int as n from agenda_jobs where name = 'ping' and last_run_at is not null",
      [],
      LATENCY_JOBS,
      start,
    );
    const { rows: lat } = await sql.query(
      `select (extract(epoch from last_run_at) * 1000 - (data->>'sentAt')::float8) as ms
         from agenda_jobs where name = 'ping' and last_run_at is not null order by 1`,
    );
    const ms = lat.map((r) => Number(r.ms));
    results.push(
      `${label}: enqueue→start over ${ms.length} jobs at ${LATENCY_RATE}/s: p50 ${percentile(ms, 50).toFixed(1)} ms, p99 ${percentile(ms, 99).toFixed(1)} ms, max ${ms.at(-1)?.toFixed(1)} ms`,
    );

    // 3. Emails through the real relay and sendEmail handler to the loopback SMTP server.
    const sentBefore = smtp.count();
    const { rows: effects } = await sql.query(
      `insert into side_effects (kind, key, payload)
       select 'email', 'bench:' || $1::text || ':' || n, jsonb_build_object('template', 'booking_confirmed_guest', 'bookingId', $2::text, 'recipientUserId', $3::text)
         from generate_series(1, $4::int) n returning id`,
      [String(workerCount), booking.id, guestId, EMAILS], // a fresh database: unique per run
    );
    const ids = effects.map((e) => e.id);
    start = Date.now();
    while ((await relaySideEffects(orm, producer, { limit: 200 })) > 0);
    const relayMs = Date.now() - start;
    const mail = await waitUntil(
      "select count(*)::int as n from side_effects where id = any($1::bigint[]) and done_at is not null",
      [ids],
      EMAILS,
      start,
    );
    results.push(
      `${label}: email ${mail.done}/${EMAILS} sent (${smtp.count() - sentBefore} accepted by SMTP) in ${mail.at - start} ms = ${((mail.done / (mail.at - start)) * 1000).toFixed(0)} jobs/s (relaying them took ${relayMs} ms)`,
    );

    for (const w of workers) w.child.kill("SIGTERM");
    await Promise.all(workers.map((w) => once(w.child, "exit")));
  }

  await producer.close();
  await smtp.close();
  await sql.end();
  await orm.close();
  console.log(`\nJob queue benchmark (PostgreSQL store, loopback, ${new Date().toISOString()})`);
  for (const line of results) console.log(`  ${line}`);
}

try {
  await main();
} finally {
  await database.drop();
}
process.exit(0);
