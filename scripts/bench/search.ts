/**
 * `npm run bench:search`: the read paths of issue 15 against the big database `npm run seed:scale`
 * builds (SCALE_DATABASE_URL, default nexus_scale on the private PostgreSQL), UNCACHED: each shape
 * calls the same functions the routes call (searchListings, blockedRanges, the notifications query),
 * never the Redis cache. For each shape it prints p50/p99 over BENCH_RUNS runs (after 3 warm-ups) and
 * the shape of the plan of its slowest statement (node types, the indexes used, rows), plus a
 * reference measured in the same run: `select 1` on the same connection (the floor of any query).
 *
 *   npm run seed:scale && npm run bench:search            (BENCH_RUNS=50 by default)
 *
 * Targets (issue 15): p99 ≤ 25 ms for every search shape, ≤ 5 ms for availability and notifications.
 * Loopback only, bounded: it stops by itself.
 */
import { performance } from "node:perf_hooks";

const scaleUrl = process.env.SCALE_DATABASE_URL ?? "postgres://nexus@127.0.0.1:54329/nexus_scale";
process.env.DATABASE_URL = scaleUrl;
process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? "error";
process.env.NODE_ENV = process.env.NODE_ENV ?? "development";

const RUNS = Math.min(Number(process.env.BENCH_RUNS ?? 50), 500);
const WARMUP = 3;

const { initOrm } = await import("../../shared/db/orm.js");
const { searchListings } = await import("../../shared/domain/listings/search.js");
const { searchQuerySchema } = await import("../../shared/domain/listings/schemas.js");
const { blockedRanges } = await import("../../shared/domain/bookings/availability.js");
const { listNotifications } = await import("../../shared/domain/notifications/notifications.js");
const { query } = await import("../../shared/domain/commands/execute.js");

const orm = await initOrm({ clientUrl: scaleUrl });
const knex = orm.em.getConnection().getKnex();

/** Every statement a measured call runs, with its bindings and duration, to explain the slowest. */
let captured: { sql: string; bindings: unknown[]; started: number; ms: number }[] = [];
const pending = new Map<string, { sql: string; bindings: unknown[]; started: number }>();
knex.on("query", (q: { __knexQueryUid: string; sql: string; bindings: unknown[] }) => {
  pending.set(q.__knexQueryUid, { sql: q.sql, bindings: q.bindings ?? [], started: performance.now() });
});
knex.on("query-response", (_r: unknown, q: { __knexQueryUid: string }) => {
  const p = pending.get(q.__knexQueryUid);
  if (p) captured.push({ ...p, ms: performance.now() - p.started });
  pending.delete(q.__knexQueryUid);
});

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

interface PlanNode {
  "Node Type": string;
  "Index Name"?: string;
  "Relation Name"?: string;
  "Actual Rows"?: number;
  Plans?: PlanNode[];
}
function planShape(node: PlanNode, depth = 0, lines: string[] = []): string[] {
  const what = [node["Node Type"], node["Index Name"] ?? node["Relation Name"]].filter(Boolean).join(" ");
  lines.push(`${"  ".repeat(depth + 2)}${what} (rows ${node["Actual Rows"] ?? "?"})`);
  for (const child of node.Plans ?? []) planShape(child, depth + 1, lines);
  return lines;
}

async function explainSlowest(): Promise<string[]> {
  const slowest = [...captured].filter((c) => /^\s*(select|with)/i.test(c.sql)).sort((a, b) => b.ms - a.ms)[0];
  if (!slowest) return [];
  const result = await knex.raw(`explain (analyze, format json) ${slowest.sql}`, slowest.bindings as never);
  const plan = (result.rows[0]["QUERY PLAN"] as { Plan: PlanNode }[])[0].Plan;
  return planShape(plan).slice(0, 14);
}

interface Figure {
  name: string;
  p50: number;
  p99: number;
  target: number;
}
const figures: Figure[] = [];

async function measure(name: string, target: number, fn: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    captured = [];
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const figure = { name, p50: percentile(times, 50), p99: percentile(times, 99), target };
  figures.push(figure);
  console.log(
    `${name.padEnd(44)} p50 ${figure.p50.toFixed(2).padStart(8)} ms  p99 ${figure.p99.toFixed(2).padStart(8)} ms  ` +
      `(target p99 ≤ ${target} ms) ${figure.p99 <= target ? "PASS" : "FAIL"}`,
  );
  console.log(
    `    statements of the last run: ${captured.map((c) => `${c.ms.toFixed(1)}`).join(" + ")} ms (${captured.length})`,
  );
  for (const line of await explainSlowest()) console.log(line);
}

const sql = <T>(text: string, params: unknown[] = []) => knex.raw(text, params as never).then((r) => r.rows as T[]);

// ---- the database, and the inputs each shape needs -------------------------------------------
const [{ listings, bookings, events }] = await sql<{ listings: string; bookings: string; events: string }>(
  `select (select count(*) from listings) as listings, (select count(*) from bookings) as bookings,
          (select count(*) from events) as events`,
);
const durability = await sql<{ name: string; setting: string }>(
  "select name, setting from pg_settings where name in ('fsync', 'synchronous_commit')",
);
console.log(
  `database ${new URL(scaleUrl).pathname.slice(1)}: ${Number(listings).toLocaleString("en")} listings, ` +
    `${Number(bookings).toLocaleString("en")} bookings, ${Number(events).toLocaleString("en")} events; ` +
    `PostgreSQL ${durability.map((d) => `${d.name}=${d.setting}`).join(", ")}; ${RUNS} runs per shape, uncached`,
);
if (Number(listings) < 1000) console.log("(a small database: run `npm run seed:scale` first for the issue's figures)");

const [{ city }] = await sql<{ city: string }>(
  "select lower(city) as city from listings where status = 'active' group by 1 order by count(*) desc limit 1",
);
// The most booked stay of 3 nights in the next 180 days: "dates when most listings are booked".
const [{ busy }] = await sql<{ busy: string }>(
  `select to_char(d, 'YYYY-MM-DD') as busy from generate_series(current_date + 1, current_date + 177, interval '1 day') d
    order by (select count(*) from bookings b where b.status in ('confirmed', 'pending_payment', 'pending_approval')
                and daterange(b.check_in, b.check_out, '[)') @> d::date) desc limit 1`,
);
const busyOut = new Date(Date.parse(`${busy}T00:00:00Z`) + 3 * 86_400_000).toISOString().slice(0, 10);
const [{ occupancy }] = await sql<{ occupancy: string }>(
  `select round(100.0 * count(distinct b.listing_id) / (select count(*) from listings where status = 'active'), 1) as occupancy
     from bookings b join listings l on l.id = b.listing_id and l.status = 'active'
    where b.status in ('confirmed', 'pending_payment', 'pending_approval')
      and daterange(b.check_in, b.check_out, '[)') && daterange(?::date, ?::date, '[)')`,
  [busy, busyOut],
);
const [{ listingId }] = await sql<{ listingId: string }>(
  `select listing_id as "listingId" from bookings where check_in > current_date group by 1 order by count(*) desc limit 1`,
);
const [{ hostId }] = await sql<{ hostId: string }>(
  `select host_id as "hostId" from listings group by 1 order by count(*) desc limit 1`,
);
const checkIn = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
const checkOut = new Date(Date.now() + 33 * 86_400_000).toISOString().slice(0, 10);
console.log(`inputs: city "${city}"; busiest stay ${busy}..${busyOut} (${occupancy}% of listings booked then)\n`);

const search = (q: Record<string, string>) => searchListings(orm.em.fork(), searchQuerySchema.parse(q));

// ---- the reference and the shapes --------------------------------------------------------------
await measure("reference: select 1", 5, () => sql("select 1"));
await measure("search: no filters", 25, () => search({}));
await measure("search: city", 25, () => search({ city }));
await measure("search: city + dates", 25, () => search({ city, checkIn, checkOut }));
await measure(`search: dates only, ${occupancy}% booked`, 25, () => search({ checkIn: busy, checkOut: busyOut }));
await measure("search: price + guests + dates", 25, () =>
  search({ minPrice: "5000", maxPrice: "20000", guests: "3", checkIn, checkOut }),
);
await measure(`search: city + dates, ${occupancy}% booked`, 25, () =>
  search({ city, checkIn: busy, checkOut: busyOut }),
);
await measure("search: free text", 25, () => search({ q: "cottage" }));
await measure("search: free text + dates", 25, () => search({ q: "lake view", checkIn, checkOut }));
await measure(`search: free text + dates, ${occupancy}% booked`, 25, () =>
  search({ q: "cottage", checkIn: busy, checkOut: busyOut }),
);
// The centre of the biggest city (seed:scale places Addis Ababa's listings around 9.03, 38.74).
const [{ lat, lng }] = await sql<{ lat: string; lng: string }>(
  "select avg(latitude)::numeric(8, 4)::text as lat, avg(longitude)::numeric(8, 4)::text as lng from listings where lower(city) = ?",
  [city],
);
await measure("search: 5 km radius, nearest first", 25, () => search({ lat, lng, radiusKm: "5", sort: "distance" }));
await measure("search: 5 km radius + dates, nearest first", 25, () =>
  search({ lat, lng, radiusKm: "5", sort: "distance", checkIn, checkOut }),
);
const box = [Number(lng) - 0.05, Number(lat) - 0.05, Number(lng) + 0.05, Number(lat) + 0.05]
  .map((v) => v.toFixed(4))
  .join(",");
await measure("search: map box + dates", 25, () => search({ bbox: box, checkIn, checkOut }));
await measure("search: dates, cheapest first", 25, () => search({ sort: "price_asc", checkIn, checkOut }));
await measure(`search: dates, ${occupancy}% booked, dearest first`, 25, () =>
  search({ sort: "price_desc", checkIn: busy, checkOut: busyOut }),
);
await measure("search: city + dates, best rated first", 25, () => search({ city, sort: "rating", checkIn, checkOut }));
await measure(`search: dates, ${occupancy}% booked, best rated first`, 25, () =>
  search({ sort: "rating", checkIn: busy, checkOut: busyOut }),
);
// Page 50 through the cursor: the cursor of page 49 is found once, then page 50 is what is timed.
let cursor: string | undefined;
for (let page = 1; page < 50; page++) {
  const result = await search(cursor ? { cursor } : {});
  cursor = result.nextCursor ?? undefined;
  if (!cursor) break;
}
await measure("search: page 50 through the cursor", 25, () => search(cursor ? { cursor } : {}));
const today = new Date().toISOString().slice(0, 10);
const in180 = new Date(Date.now() + 180 * 86_400_000).toISOString().slice(0, 10);
await measure("availability of one listing (180 days)", 5, () =>
  blockedRanges(orm.em.fork(), listingId, { from: today, to: in180 }),
);
await measure("notifications page + unread (busiest host)", 5, () =>
  query(listNotifications, { actor: { id: hostId, role: "host" } as never, input: { after: "0", limit: "20" } }, {
    orm,
  } as never),
);

const failed = figures.filter((f) => f.p99 > f.target && !f.name.startsWith("reference"));
console.log(
  `\n${figures.length - 1} shapes; ${failed.length ? `FAIL: ${failed.map((f) => f.name).join("; ")}` : "all within target"}`,
);
await orm.close();
process.exit(0);
