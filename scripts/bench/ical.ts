/**
 * The iCal export's benchmark (issue 21: p99 ≤ 20 ms for a listing with 500 reservations), loopback
 * only, bounded: the real app in this process on port 0, against a throwaway database cloned from the
 * test template. One listing gets 500 confirmed reservations and 20 host blocks (written in SQL: what
 * is measured is the read). Each scenario is warmed up first (not counted),
 * in the same run, at 1 and at 10 connections: the feed in full (200, ~125 kB), the feed revalidated
 * (If-None-Match → 304), and two references on the same server, GET /healthz (no database) and
 * GET /api/v1/listings/:id (one read). autocannon runs in a forked child, as a real client would.
 *
 *   npm run bench:ical                 (BENCH_SECONDS=8 per scenario by default, at most 20)
 *
 * The environment is set before any app module is imported: config is read once, at import.
 */
import { fork } from "node:child_process";
import autocannon from "autocannon";
import pg from "pg";
import { benchDatabase } from "./benchDatabase.js";

const SECONDS = Math.min(Number(process.env.BENCH_SECONDS ?? 5), 20);
const WARMUP_SECONDS = 2;
/** One poller at a time (the usual case: other channels fetch a feed every few minutes), then ten at once. */
const CONNECTION_COUNTS = [1, 10];
const RESERVATIONS = 500;
const BLOCKS = 20;
const TARGET_P99_MS = 20;

const database = benchDatabase("ical");
process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? "error";
process.env.NODE_ENV = process.env.NODE_ENV ?? "development";

interface Scenario {
  name: string;
  connections: number;
  url: string;
  headers?: Record<string, string>;
  status: number;
}
interface Figures {
  name: string;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  expected: number;
  other: number;
  bytes: number;
}

function run(scenario: Scenario): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const child = fork(new URL(import.meta.url).pathname, ["--load"], { execArgv: ["--import", "tsx"] });
    child.once("message", (figures) => {
      resolve(figures as Figures);
      child.disconnect();
    });
    child.once("error", reject);
    child.once("exit", (code) => code && reject(new Error(`load generator exited with ${code}`)));
    child.send(scenario);
  });
}

function loadGenerator(): void {
  process.once("message", (scenario: Scenario) => {
    const options = {
      url: scenario.url,
      headers: scenario.headers,
      connections: scenario.connections,
      duration: SECONDS,
      warmup: { connections: scenario.connections, duration: WARMUP_SECONDS },
    };
    (autocannon(options as autocannon.Options) as unknown as Promise<autocannon.Result>).then((result) => {
      const codes = result.statusCodeStats as unknown as Record<string, { count: number }>;
      const expected = codes[String(scenario.status)]?.count ?? 0;
      const all = Object.values(codes).reduce((n, c) => n + c.count, 0) + result.errors + result.timeouts;
      process.send!({
        name: scenario.name,
        connections: scenario.connections,
        rps: result.requests.average,
        p50: result.latency.p50,
        p99: result.latency.p99,
        expected,
        other: all - expected,
        bytes: result.throughput.average / Math.max(result.requests.average, 1),
      } satisfies Figures);
    });
  });
}

async function main(): Promise<void> {
  await database.create();
  const { startApp } = await import("../../test/helpers/app.js");
  const sql = new pg.Pool({ connectionString: database.url, max: 2 });
  const app = await startApp();
  try {
    const {
      rows: [host],
    } = await sql.query(
      "insert into users (email, name, role, password_hash) values ('host@ical.bench', 'Bench Host', 'host', 'x') returning id",
    );
    const {
      rows: [guest],
    } = await sql.query(
      "insert into users (email, name, role, password_hash) values ('guest@ical.bench', 'Bench Guest', 'guest', 'x') returning id",
    );
    const {
      rows: [listing],
    } = await sql.query(
      `insert into listings (host_id, title, description, city, country, price_per_night, currency, max_guests)
       values ($1, 'Busy stay, 500 reservations', 'bench', 'Addis Ababa', 'Ethiopia', 5000, 'ETB', 4)
       returning id, ical_token`,
      [host.id],
    );
    // One-night stays on every other night, then blocks past them: 500 reservations, 20 blocks.
    await sql.query(
      `insert into bookings (listing_id, guest_id, check_in, check_out, guests, total_price, currency, status)
       select $1, $2, current_date + 2 * n, current_date + 2 * n + 1, 1, 5000, 'ETB', 'confirmed'
         from generate_series(1, $3) n`,
      [listing.id, guest.id, RESERVATIONS],
    );
    await sql.query(
      `insert into listing_blocks (listing_id, check_in, check_out, created_by_id)
       select $1, current_date + 2 * $3 + 3 * n, current_date + 2 * $3 + 3 * n + 2, $2 from generate_series(1, $4) n`,
      [listing.id, host.id, RESERVATIONS, BLOCKS],
    );
    const feedUrl = `${app.url}/ical/${listing.ical_token}.ics`;
    const first = await fetch(feedUrl);
    const body = await first.text();
    const events = (body.match(/BEGIN:VEVENT/g) ?? []).length;
    console.log(
      `feed: ${first.status}, ${events} events (${RESERVATIONS} reservations, ${BLOCKS} blocks), ${body.length} bytes`,
    );
    if (events !== RESERVATIONS + BLOCKS) throw new Error(`expected ${RESERVATIONS + BLOCKS} events, got ${events}`);
    const etag = first.headers.get("etag")!;

    const results: Figures[] = [];
    for (const connections of CONNECTION_COUNTS) {
      for (const scenario of [
        { name: "GET /healthz (reference)", url: `${app.url}/healthz`, status: 200 },
        { name: "GET /listings/:id (reference)", url: `${app.url}/api/v1/listings/${listing.id}`, status: 200 },
        { name: "GET /ical/<token>.ics", url: feedUrl, status: 200 },
        { name: "… with If-None-Match (304)", url: feedUrl, headers: { "if-none-match": etag }, status: 304 },
      ]) {
        results.push(await run({ ...scenario, connections }));
      }
    }
    const pad = (s: string | number, n: number) => String(s).padEnd(n);
    console.log(
      `\n${pad("scenario", 32)}${pad("conns", 7)}${pad("req/s", 10)}${pad("p50 ms", 9)}${pad("p99 ms", 9)}${pad("expected", 10)}other`,
    );
    for (const r of results) {
      console.log(
        `${pad(r.name, 32)}${pad(r.connections, 7)}${pad(Math.round(r.rps), 10)}${pad(r.p50, 9)}${pad(r.p99, 9)}${pad(r.expected, 10)}${r.other}`,
      );
    }
    console.log("");
    for (const feed of results.filter((r) => r.name.startsWith("GET /ical"))) {
      const verdict = feed.p99 <= TARGET_P99_MS && feed.other === 0 ? "met" : "NOT met";
      console.log(
        `target: feed p99 ≤ ${TARGET_P99_MS} ms with ${RESERVATIONS} reservations, ${feed.connections} connection(s): ${verdict} (p99 ${feed.p99} ms)`,
      );
    }
    const [cpus, load] = [(await import("node:os")).availableParallelism(), (await import("node:os")).loadavg()[0]];
    console.log(`machine: ${cpus} cores, load average ${load.toFixed(2)} when the run ended`);
  } finally {
    await new Promise<void>((resolve) => app.server.close(() => resolve()));
    await app.close();
    await sql.end();
    await database.drop();
  }
}

if (process.argv.includes("--load")) loadGenerator();
else
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
