/**
 * HTTP benchmark (loopback only, bounded): the real app in this process on port 0, against a fresh
 * database cloned from the test template (or migrated when there is none), with its own Redis key
 * prefix. Prints requests/s and p50/p99 for a bare Koa hello-world (the reference on this machine),
 * a cached listing search, and booking creation at 50 connections, each request a fresh stay.
 * Each scenario is warmed up for 3 s (not measured) before it is measured.
 * autocannon runs in a child process (this file, forked with --load), as a real client would: in
 * the app's own event loop it would steal the CPU it measures.
 *
 *   npx tsx scripts/bench/http.ts            (BENCH_SECONDS=10 per scenario by default)
 *   BENCH_ONLY=booking npx tsx scripts/bench/http.ts   (one scenario: hello, search or booking; for profiling)
 *
 * The environment is set before any app module is imported: config is read once, at import.
 */
import { fork } from "node:child_process";
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import autocannon from "autocannon";
import Koa from "koa";
import pg from "pg";
import { benchDatabase } from "./benchDatabase.js";

const SECONDS = Math.min(Number(process.env.BENCH_SECONDS ?? 10), 20);
const WARMUP_SECONDS = 3;
const CONNECTIONS = 50;
const GUESTS = 1000;
const LISTINGS = 500;
const CITIES = ["Addis Ababa", "Bahir Dar", "Gondar", "Hawassa", "Mekelle"];
const ONLY = process.env.BENCH_ONLY;
const wanted = (scenario: "hello" | "search" | "booking") => !ONLY || ONLY === scenario;

// BENCH_DATABASE_URL: book against an existing database instead (the big one of `npm run seed:scale`,
// for bench:booking-scale), on its own active listings and guests; what the run wrote is removed after.
const existing = process.env.BENCH_DATABASE_URL;
const database = existing ? existingDatabase(existing) : benchDatabase("http");
/** The first night booked: bench:booking-scale books past the big database's seeded 180 days on both. */
const FIRST_NIGHT = Number(process.env.BENCH_FIRST_NIGHT ?? 1);
// One log line per request would measure the terminal, not the app; shutdown warnings are noise here.
process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? "error";
process.env.NODE_ENV = process.env.NODE_ENV ?? "development";
// Each guest makes about a dozen holds in a run, none paid: the per-user limit is not what is measured.
process.env.MAX_ACTIVE_HOLDS_PER_USER = process.env.MAX_ACTIVE_HOLDS_PER_USER ?? "100";

interface Figures {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  bad: number;
  /** The warm-up's requests/s and p99, printed for the record. */
  warmup: { rps: number; p99: number };
}

async function listen(server: Server): Promise<string> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** What the load generator is asked to run; `booking` builds each request body in the child. */
interface Scenario {
  name: string;
  url: string;
  booking?: { tokens: string[]; listingIds: string[] };
}

/** Runs one scenario in a forked load generator and returns its figures. */
function run(scenario: Scenario): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const child = fork(new URL(import.meta.url).pathname, ["--load"], { execArgv: ["--import", "tsx"] });
    child.once("message", (figures) => {
      resolve(figures as Figures);
      child.disconnect();
    });
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code) reject(new Error(`load generator exited with ${code}`));
    });
    child.send(scenario);
  });
}

/** The child's side: autocannon against the scenario, figures sent back over IPC. */
function loadGenerator(): void {
  process.once("message", (scenario: Scenario) => {
    const options: autocannon.Options = { url: scenario.url, connections: CONNECTIONS, duration: SECONDS };
    if (scenario.booking) {
      const { tokens, listingIds } = scenario.booking;
      // Every request books a stay nobody else holds: listing n % count, the night after the previous round's.
      let n = 0;
      options.requests = [
        {
          method: "POST",
          path: "/api/v1/bookings",
          setupRequest: (req) => {
            const i = n++;
            const night = FIRST_NIGHT + Math.floor(i / listingIds.length);
            return {
              ...req,
              headers: { "content-type": "application/json", authorization: tokens[i % tokens.length] },
              body: JSON.stringify({
                listingId: listingIds[i % listingIds.length],
                checkIn: day(night),
                checkOut: day(night + 1),
                guests: 1,
              }),
            };
          },
        },
      ];
    }
    // The warm-up (JIT, the pool's connections, each backend's first plan) runs first and is not measured.
    // (autocannon 8 takes `warmup`; its type definitions have not caught up.)
    const withWarmup = { ...options, warmup: { connections: CONNECTIONS, duration: WARMUP_SECONDS } };
    (autocannon(withWarmup) as unknown as Promise<autocannon.Result & { warmup: autocannon.Result }>).then((result) => {
      const failed = (r: autocannon.Result) => r.non2xx + r.errors + r.timeouts;
      const figures: Figures = {
        name: scenario.name,
        rps: result.requests.average,
        p50: result.latency.p50,
        p99: result.latency.p99,
        ok: result["2xx"],
        bad: failed(result) + failed(result.warmup),
        warmup: { rps: result.warmup.requests.average, p99: result.warmup.latency.p99 },
      };
      if (process.env.BENCH_VERBOSE)
        console.error(JSON.stringify({ latency: result.latency, perSecond: result.requests }));
      process.send!(figures);
    });
  });
}

type Row = { id: string; token_version?: number };

/** Seed: one host, many guests (each booking's guest varies, as real traffic does), many listings. */
async function seed(sql: pg.Pool, hashPassword: (password: string) => Promise<string>) {
  const hash = await hashPassword("bench-password");
  const {
    rows: [host],
  } = await sql.query(
    "insert into users (email, name, role, password_hash) values ('host@bench.test', 'Bench Host', 'host', $1) returning id",
    [hash],
  );
  const { rows: guests }: { rows: Row[] } = await sql.query(
    `insert into users (email, name, role, password_hash)
     select 'guest' || n || '@bench.test', 'Guest ' || n, 'guest', $1 from generate_series(1, $2) n returning id`,
    [hash, GUESTS],
  );
  const { rows: listings }: { rows: Row[] } = await sql.query(
    `insert into listings (host_id, title, description, city, country, price_per_night, currency, max_guests)
     select $1, 'Stay ' || n, 'A bench listing', ($3::text[])[1 + n % $4], 'Ethiopia', 5000 + n, 'ETB', 4
       from generate_series(1, $2) n returning id`,
    [host.id, LISTINGS, CITIES, CITIES.length],
  );

  return { guests, listings };
}

/** An existing database's own instant-book listings (random ones) and guests. */
async function pickExisting(sql: pg.Pool) {
  const { rows: listings }: { rows: Row[] } = await sql.query(
    `select id from listings where status = 'active' and booking_mode = 'instant' and min_nights = 1
      order by random() limit $1`,
    [LISTINGS],
  );
  const { rows: guests }: { rows: Row[] } = await sql.query(
    "select id, token_version from users where role = 'guest' order by random() limit $1",
    [GUESTS],
  );
  return { guests, listings };
}

/**
 * An existing database, used as it is; afterwards what the run wrote (its holds, their events, logs
 * and queued emails: every row created since it started) is deleted, so runs do not pile up.
 */
function existingDatabase(url: string) {
  process.env.DATABASE_URL = url;
  let started: Date;
  let logFrom = 0;
  let eventsFrom = 0;
  return {
    url,
    async create() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      started = (await client.query("select now() as now")).rows[0].now;
      logFrom = Number((await client.query("select coalesce(max(id), 0) as id from notification_log")).rows[0].id);
      eventsFrom = Number((await client.query("select coalesce(max(id), 0) as id from events")).rows[0].id);
      const values = [];
      for (const name of ["fsync", "synchronous_commit"])
        values.push(`${name}=${(await client.query(`show ${name}`)).rows[0][name]}`);
      const { rows } = await client.query("select count(*)::int as n from bookings");
      console.log(
        `existing database ${new URL(url).pathname.slice(1)}: ${rows[0].n} bookings; PostgreSQL ${values.join(", ")}`,
      );
      await client.end();
    },
    async drop() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      // Rows no seed writes go by time; events and bookings by what only this run can have written
      // (a later id; a stay on nights past the seeded ones).
      for (const table of ["agenda_jobs", "side_effects", "idempotency_keys"]) {
        await client.query(`delete from ${table} where created_at >= $1`, [started]);
      }
      await client.query("delete from events where id > $1", [eventsFrom]);
      await client.query("delete from notification_log where id > $1", [logFrom]);
      const { rowCount } = await client.query(
        "delete from bookings where created_at >= $1 and check_in >= current_date + $2::int",
        [started, FIRST_NIGHT],
      );
      console.log(`removed the run's ${rowCount} bookings from the existing database`);
      await client.end();
    },
  };
}

/** YYYY-MM-DD `n` days from today (UTC). */
function day(n: number): string {
  const d = new Date();
  d.setUTCHours(0, 0, 0, 0);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

async function main(): Promise<void> {
  await database.create();
  // The web process as server/main.ts builds it (Socket.IO, ordered event publisher), like the tests use it.
  const { startApp } = await import("../../test/helpers/app.js");
  const { issueToken } = await import("../../shared/domain/accounts/tokens.js");
  const { hashPassword } = await import("../../shared/domain/accounts/password.js");

  const sql = new pg.Pool({ connectionString: database.url, max: 2 });
  const { guests, listings } = existing ? await pickExisting(sql) : await seed(sql, hashPassword);
  const tokens = guests.map(
    (g) => `Bearer ${issueToken({ id: g.id, role: "guest", tokenVersion: g.token_version ?? 0 })}`,
  );

  const app = await startApp();
  const appUrl = app.url;

  const hello = new Koa();
  hello.use((ctx) => {
    ctx.body = { hello: "world" };
  });
  const helloServer = createServer(hello.callback());
  const helloUrl = await listen(helloServer);

  const results: Figures[] = [];
  try {
    console.log(
      `${SECONDS} s per scenario after ${WARMUP_SECONDS} s of warm-up, ${CONNECTIONS} connections, loopback; ${LISTINGS} listings, ${GUESTS} guests`,
    );
    if (wanted("hello")) results.push(await run({ name: "hello world (bare Koa)", url: `${helloUrl}/` }));

    if (wanted("search")) {
      const searchPath = `/api/v1/listings?city=${encodeURIComponent(CITIES[0])}`;
      const warm = await fetch(`${appUrl}${searchPath}`);
      if (warm.status !== 200) throw new Error(`search answered ${warm.status}: ${await warm.text()}`);
      const again = await fetch(`${appUrl}${searchPath}`);
      console.log(`search warm-up: X-Cache ${again.headers.get("x-cache")}`);
      results.push(await run({ name: "cached listing search", url: `${appUrl}${searchPath}` }));
    }

    if (wanted("booking")) {
      results.push(
        await run({
          name: "booking creation",
          url: appUrl,
          booking: { tokens, listingIds: listings.map((l) => l.id as string) },
        }),
      );
    }
    const { rows } = await sql.query("select count(*)::int as n from bookings");
    console.log(`bookings in the database after the run: ${rows[0].n}`);
  } finally {
    helloServer.close();
    // Requests still in flight when the load stopped finish before the app's connections close.
    await new Promise<void>((resolve) => app.server.close(() => resolve()));
    await sleep(1000);
    await app.close();
    await sql.end();
    await database.drop();
  }

  const pad = (s: string, n: number) => s.padEnd(n);
  console.log(`\n${pad("scenario", 26)}${pad("req/s", 10)}${pad("p50 ms", 9)}${pad("p99 ms", 9)}${pad("2xx", 9)}other`);
  for (const r of results) {
    console.log(
      `${pad(r.name, 26)}${pad(r.rps.toFixed(0), 10)}${pad(String(r.p50), 9)}${pad(String(r.p99), 9)}${pad(String(r.ok), 9)}${r.bad}`,
    );
  }
  const warmups = results.map((r) => `${r.name} ${r.warmup.rps.toFixed(0)} req/s, p99 ${r.warmup.p99} ms`);
  console.log(`(warm-ups, not counted: ${warmups.join("; ")})`);
  const figure = (name: string) => results.find((r) => r.name === name);
  const helloFig = figure("hello world (bare Koa)");
  const search = figure("cached listing search");
  const booking = figure("booking creation");
  if (helloFig && search) {
    const ratio = search.rps / helloFig.rps;
    console.log(
      `\ncached search ÷ hello world = ${ratio.toFixed(2)} (target ≥ 0.20) ${ratio >= 0.2 ? "PASS" : "FAIL"}`,
    );
  }
  if (booking) {
    const bookingOk = booking.rps >= 500 && booking.p99 <= 100 && booking.bad === 0;
    console.log(
      `booking creation ${booking.rps.toFixed(0)} req/s, p99 ${booking.p99} ms, ${booking.bad} failed ` +
        `(target ≥ 500 req/s, p99 ≤ 100 ms, none failed) ${bookingOk ? "PASS" : "FAIL"}`,
    );
  }
}

if (process.argv.includes("--load")) {
  loadGenerator();
} else {
  await main();
  process.exit(0);
}
