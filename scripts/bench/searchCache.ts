/**
 * `npm run bench:search-cache`: the search cache on a busy booking day (issue 15, point 3), against the
 * big database `npm run seed:scale` builds (SCALE_DATABASE_URL, default nexus_scale on the private
 * PostgreSQL) and real Redis (REDIS_URL). For BENCH_SECONDS (30) it runs, at once:
 * - BENCH_READERS (4) readers, each a closed loop of searches through cachedSearch() (what GET /listings
 *   runs), each search one of BENCH_DISTINCT_SEARCHES (2,000) picked by Zipf rank (0: a fresh draw
 *   every time), drawn once from this mix: cities by Zipf popularity (5% no city), 60% dated (80% of them soon: check-in in the next two
 *   weeks, Zipf, for 2, 1, 3 or 7 nights, Zipf; the rest anything in 60 days for 1-7 nights), 25% with a
 *   price or guests filter, pages 1-3
 *   (page 2 and 3 follow the previous page's cursor);
 * - a writer keeping BENCH_BOOKINGS_PER_SECOND (50) bookings a second through the real createBooking
 *   command (its listing from a Zipf-picked city, its dates as the searches pick them; a taken stay is
 *   retried elsewhere), and cancelling one in ten of them a second later through cancelBooking.
 * After BENCH_WARM_SECONDS (60, the cache TTL: a site that has been up a while) of the same load unmeasured,
 * it prints the hit rate (target ≥ 90%), why each miss missed (a search not asked within the TTL; asked
 * before, and the answer really changed; asked before and unchanged: an over-invalidation), p50/p99
 * of hits and of misses, and, measured in the same run before the load, an uncached search p50/p99 over
 * the same mix (the reference). Right after each sampled response (1 in 10 hits, 1 in 10 misses) it
 * asks PostgreSQL whether any listing the answer shows as free has a blocking booking or block over
 * the searched nights that was already committed and acknowledged before the response was read: a
 * violation (must be 0). A booking the writer has sent but whose command had not answered yet when the
 * read began may legitimately be missing (its commit may not have happened, or its invalidation is on
 * its way): invalidation runs after commit, before the command answers.
 *
 *   SCALE=0.02 npm run seed:scale && npm run bench:search-cache
 *
 * Loopback only and bounded: it stops by itself, and removes its Redis keys (own REDIS_KEY_PREFIX).
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";

const scaleUrl = process.env.SCALE_DATABASE_URL ?? "postgres://nexus@127.0.0.1:54329/nexus_scale";
process.env.DATABASE_URL = scaleUrl;
process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? "error";
process.env.NODE_ENV = process.env.NODE_ENV ?? "development";
const prefix = `benchsearchcache${randomBytes(4).toString("hex")}:`;
process.env.REDIS_KEY_PREFIX = prefix;
// The writer books for a thousand seeded guests who already hold unpaid holds: the per-guest limit
// (a guard against one abusive guest) would refuse most of its bookings.
process.env.MAX_ACTIVE_HOLDS_PER_USER ??= "100";

const SECONDS = Math.min(Number(process.env.BENCH_SECONDS ?? 30), 300);
const READERS = Math.min(Number(process.env.BENCH_READERS ?? 4), 32);
const BOOKINGS_PER_SECOND = Math.min(Number(process.env.BENCH_BOOKINGS_PER_SECOND ?? 50), 500);
/** Before the measured BENCH_SECONDS: the same load, unmeasured, as on a site that has been up a while. */
const WARM_SECONDS = Math.min(Number(process.env.BENCH_WARM_SECONDS ?? 60), 120);
const SAMPLE_EVERY = 10;

const { config } = await import("../../shared/config.js");
const { initOrm } = await import("../../shared/db/orm.js");
const { createRedis } = await import("../../shared/redis.js");
const { execute } = await import("../../shared/domain/commands/execute.js");
const { createBooking } = await import("../../shared/domain/bookings/createBooking.js");
const { cancelBooking } = await import("../../shared/domain/bookings/cancelBooking.js");
const { cachedSearch } = await import("../../shared/domain/listings/searchCache.js");
const { searchListings } = await import("../../shared/domain/listings/search.js");
const { searchQuerySchema } = await import("../../shared/domain/listings/schemas.js");
const { presentListing } = await import("../../server/presenters/listing.js");
const { startEventRelay } = await import("../../shared/events/relay.js");

const orm = await initOrm({ clientUrl: scaleUrl });
const redis = createRedis("bench-search-cache", config.REDIS_URL, { autoPipelining: true });
await new Promise((resolve) => redis.once("ready", resolve));
const deps = { orm, redis };
const knex = orm.em.getConnection().getKnex();
const sql = <T>(text: string, params: unknown[] = []) => knex.raw(text, params as never).then((r) => r.rows as T[]);

// ---- the marketplace: cities by size, their listings, the guests -----------------------------
const cityRows = await sql<{ city: string; ids: string[] }>(
  `select lower(city) as city, array_agg(id::text) as ids from listings where status = 'active'
    group by 1 order by count(*) desc`,
);
const guests = (await sql<{ id: string }>("select id from users where role = 'guest' order by id")).map((r) => r.id);
if (!cityRows.length || !guests.length) throw new Error("no listings or guests: run `npm run seed:scale` first");
const settings = await sql<{ name: string; setting: string }>(
  "select name, setting from pg_settings where name in ('fsync', 'synchronous_commit')",
);
console.log(
  `database ${new URL(scaleUrl).pathname.slice(1)}: ${cityRows.reduce((n, c) => n + c.ids.length, 0).toLocaleString("en")} ` +
    `active listings in ${cityRows.length} cities, ${guests.length.toLocaleString("en")} guests; PostgreSQL ` +
    `${settings.map((s) => `${s.name}=${s.setting}`).join(", ")}; SEARCH_CACHE_TTL_SECONDS=${config.SEARCH_CACHE_TTL_SECONDS}; ` +
    `mix: ${process.env.BENCH_DISTINCT_SEARCHES === "0" ? "open (a fresh draw each request)" : `${Math.min(Number(process.env.BENCH_DISTINCT_SEARCHES ?? 2000), 100_000)} distinct searches by Zipf rank`}`,
);

/** A Zipf (s = 1) pick of rank 0..n-1: rank r with weight 1/(r+1). */
function zipf(n: number): () => number {
  const cumulative: number[] = [];
  let total = 0;
  for (let r = 1; r <= n; r++) {
    total += 1 / r;
    cumulative.push(total);
  }
  return () => {
    const u = Math.random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}
const pickCity = zipf(cityRows.length);
const pickSoon = zipf(14);
const pickOffset = zipf(60);
const STAY_NIGHTS = [2, 1, 3, 7];
const pickStayNights = zipf(STAY_NIGHTS.length);
const pickNights = zipf(7);
const dayAhead = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
/** 80%: a stay soon (check-in in the next 2 weeks, 1-3 nights or a week); 20%: anything in 60 days, 1-7 nights. */
const stay = () => {
  if (Math.random() < 0.8) {
    const offset = 1 + pickSoon();
    return { checkIn: dayAhead(offset), checkOut: dayAhead(offset + STAY_NIGHTS[pickStayNights()]) };
  }
  const offset = 1 + pickOffset();
  return { checkIn: dayAhead(offset), checkOut: dayAhead(offset + 1 + pickNights()) };
};

type Query = Record<string, string>;
function searchMix(): Query {
  const q: Query = {};
  if (Math.random() >= 0.05) q.city = cityRows[pickCity()].city;
  if (Math.random() < 0.6) Object.assign(q, stay());
  const filter = Math.random();
  if (filter < 0.15) q.maxPrice = ["10000", "20000", "50000"][Math.floor(Math.random() * 3)];
  else if (filter < 0.25) q.guests = ["2", "4"][Math.floor(Math.random() * 2)];
  return q;
}
const pages = () => (Math.random() < 0.7 ? 1 : Math.random() < 0.67 ? 2 : 3);
/**
 * BENCH_DISTINCT_SEARCHES (2,000): the searches people make, drawn once from searchMix() (with how
 * many pages each reads), each request then picking one by Zipf rank (s = 1), as search logs are
 * distributed. 0: every request a fresh draw from searchMix(), an open mix whose long tail of never
 * repeated searches (a city of the tail, on dates of its own, with a filter) no cache can serve.
 */
const DISTINCT = Math.min(Number(process.env.BENCH_DISTINCT_SEARCHES ?? 2000), 100_000);
const catalogue = Array.from({ length: DISTINCT }, () => ({ q: searchMix(), pages: pages() }));
const pickSearch = DISTINCT > 0 ? zipf(DISTINCT) : null;
const nextSearch = () => (pickSearch ? catalogue[pickSearch()] : { q: searchMix(), pages: pages() });
const render = (page: Awaited<ReturnType<typeof searchListings>>) =>
  JSON.stringify({ data: page.listings.map(presentListing), nextCursor: page.nextCursor });

const percentile = (values: number[], p: number) => {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const ms = (n: number) => `${n.toFixed(2).padStart(7)} ms`;

// ---- the reference: the same mix, uncached, before the load ----------------------------------
const reference: number[] = [];
for (let i = 0; i < 200; i++) {
  const t0 = performance.now();
  await searchListings(orm.em.fork(), searchQuerySchema.parse(nextSearch().q));
  reference.push(performance.now() - t0);
}
console.log(
  `reference, uncached searchListings over the same mix: p50 ${ms(percentile(reference, 50))}  p99 ${ms(percentile(reference, 99))}`,
);

// ---- the writer -------------------------------------------------------------------------------
const started = Date.now();
const measureFrom = started + WARM_SECONDS * 1000;
const stopAt = measureFrom + SECONDS * 1000;
/** Bookings the writer sent: when its command answered (Infinity while in flight). */
const acknowledged = new Map<string, number>();
const writes = { booked: 0, refused: 0, cancelled: 0, errors: 0 };
const measuring = () => Date.now() >= measureFrom;
let guestTurn = 0;

async function bookOne(): Promise<void> {
  try {
    for (let attempt = 0; attempt < 20; attempt++) {
      const { ids } = cityRows[pickCity()];
      const listingId = ids[Math.floor(Math.random() * ids.length)];
      const guest = guests[guestTurn++ % guests.length];
      try {
        const booking = await execute(
          createBooking,
          { actor: { id: guest, role: "guest" }, input: { listingId, ...stay(), guests: 1 } },
          deps,
        );
        acknowledged.set(booking.id, Date.now());
        if (measuring()) writes.booked += 1;
        if (Math.random() < 0.1) {
          setTimeout(() => {
            execute(
              cancelBooking,
              { actor: { id: guest, role: "guest" }, input: { bookingId: booking.id } },
              deps,
            ).then(
              () => {
                if (measuring()) writes.cancelled += 1;
              },
              () => {
                writes.errors += 1;
              },
            );
          }, 1000).unref();
        }
        return;
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (
          code !== "dates_unavailable" &&
          code !== "too_many_holds" &&
          code !== "hold_cooldown" &&
          code !== "validation_failed"
        ) {
          writes.errors += 1;
          return;
        }
        if (measuring()) writes.refused += 1;
      }
    }
  } catch (err) {
    writes.errors += 1;
    console.error((err as Error).message);
  }
}
const writer = (async () => {
  const pendingWrites: Promise<void>[] = [];
  for (let n = 0; Date.now() < stopAt; n++) {
    const due = started + (n * 1000) / BOOKINGS_PER_SECOND;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    pendingWrites.push(bookOne());
  }
  await Promise.all(pendingWrites);
})();

// ---- the readers and the checks ---------------------------------------------------------------
const timings = { hit: [] as number[], miss: [] as number[] };
const counts = { hit: 0, miss: 0, coldMiss: 0, expiredMiss: 0, changedMiss: 0, checked: 0, violations: 0 };
/**
 * Per search (its whole filters): when it was first answered, when its entry was last stored (its last
 * miss) and its last body. A miss is cold for a search never answered; expired when its entry was
 * stored more than the TTL ago (or its hold's expiry cut it: counted here too when it outlived the
 * TTL, else below); otherwise invalidated: necessary when the answer differs from the last one,
 * an over-invalidation (or a hold's expiry) when it is the same.
 */
const lastAnswered = new Map<string, { storedAt: number; body: string }>();
const violations: string[] = [];

/** Shown as free over [checkIn, checkOut) but held by a booking or block acknowledged before `readAt`? */
async function check(q: Query, shown: string[], readAt: number): Promise<void> {
  counts.checked += 1;
  if (!q.checkIn || !shown.length) return;
  const ids = `{${shown.join(",")}}`;
  const rows = await sql<{ id: string; listing_id: string; kind: string; during_run: boolean }>(
    `select b.id::text, b.listing_id::text, 'booking' as kind, b.created_at >= to_timestamp(?) as during_run
       from bookings b
      where b.listing_id = any(?::uuid[]) and booking_blocks_dates(b.status, b.expires_at)
        and daterange(b.check_in, b.check_out, '[)') && daterange(?::date, ?::date, '[)')
     union all
     select x.id::text, x.listing_id::text, 'block', false from listing_blocks x
      where x.listing_id = any(?::uuid[]) and x.check_in < ?::date and x.check_out > ?::date`,
    [started / 1000, ids, q.checkIn, q.checkOut, ids, q.checkOut, q.checkIn],
  );
  for (const row of rows) {
    const ackAt = acknowledged.get(row.id);
    // Made by the writer: a violation if its command had answered before the read began. Made during
    // the run but not answered yet even now: its command was in flight at the read, not a violation.
    // Anything else (the seed's bookings and blocks) was committed long before.
    const committedBefore = ackAt !== undefined ? ackAt < readAt : !row.during_run;
    if (committedBefore) {
      counts.violations += 1;
      if (violations.length < 5) {
        violations.push(`${row.kind} ${row.id} on listing ${row.listing_id} over ${q.checkIn}..${q.checkOut}`);
      }
    }
  }
}

async function reader(): Promise<void> {
  while (Date.now() < stopAt) {
    const { q, pages: reads } = nextSearch();
    let cursor: string | undefined;
    for (let page = reads; page > 0 && Date.now() < stopAt; page--) {
      const filters = searchQuerySchema.parse(cursor ? { ...q, cursor } : q);
      const readAt = Date.now();
      const t0 = performance.now();
      const { body, hit } = await cachedSearch(deps, filters, render);
      const took = performance.now() - t0;
      const key = JSON.stringify(Object.entries(filters).sort());
      const last = lastAnswered.get(key);
      const text = body.toString();
      lastAnswered.set(key, { storedAt: hit && last ? last.storedAt : readAt, body: text });
      if (readAt >= measureFrom && hit) counts.hit += 1;
      if (readAt >= measureFrom) timings[hit ? "hit" : "miss"].push(took);
      if (readAt >= measureFrom && !hit) {
        counts.miss += 1;
        if (last === undefined) counts.coldMiss += 1;
        else if (readAt - last.storedAt >= config.SEARCH_CACHE_TTL_SECONDS * 1000) counts.expiredMiss += 1;
        else if (last.body !== text) counts.changedMiss += 1;
      }
      const parsed = JSON.parse(text) as { data: { id: string }[]; nextCursor: string | null };
      // Checked during the warm-up too: staleness has no warm-up.
      if (Math.random() < 1 / SAMPLE_EVERY)
        await check(
          q,
          parsed.data.map((l) => l.id),
          readAt,
        );
      if (!parsed.nextCursor) break;
      cursor = parsed.nextCursor;
    }
  }
}
await Promise.all([writer, ...Array.from({ length: READERS }, reader)]);

// ---- the figures --------------------------------------------------------------------------------
const searches = counts.hit + counts.miss;
const rate = (hits: number, total: number) => (total ? (100 * hits) / total : 0);
console.log(
  `\nmeasured ${SECONDS} s after ${WARM_SECONDS} s of the same load; ${READERS} readers: ${searches.toLocaleString("en")} searches (${(searches / SECONDS).toFixed(0)}/s); ` +
    `writer: ${writes.booked} bookings (${(writes.booked / SECONDS).toFixed(1)}/s, ${writes.refused} refused and retried), ` +
    `${writes.cancelled} cancelled, ${writes.errors} errors`,
);
console.log(
  `hit rate: ${rate(counts.hit, searches).toFixed(1)}% (target ≥ 90%) ${rate(counts.hit, searches) >= 90 ? "PASS" : "FAIL"}`,
);
console.log(
  `misses: ${counts.coldMiss} cold (never asked before), ${counts.expiredMiss} expired (stored over the TTL ago), ` +
    `${counts.miss - counts.coldMiss - counts.expiredMiss} invalidated, of which ${counts.changedMiss} answered ` +
    `differently (had to miss) and ${counts.miss - counts.coldMiss - counts.expiredMiss - counts.changedMiss} the same ` +
    `(over-invalidated, or cut by a hold's expiry); ${lastAnswered.size} distinct searches. Hit rate among searches ` +
    `whose entry was still live: ${rate(counts.hit, counts.hit + counts.miss - counts.coldMiss - counts.expiredMiss).toFixed(1)}%`,
);
console.log(`hits:   p50 ${ms(percentile(timings.hit, 50))}  p99 ${ms(percentile(timings.hit, 99))}  (${counts.hit})`);
console.log(
  `misses: p50 ${ms(percentile(timings.miss, 50))}  p99 ${ms(percentile(timings.miss, 99))}  (${counts.miss})`,
);
console.log(`reference (uncached, before the load): p50 ${ms(percentile(reference, 50))}`);
console.log(
  `checked against PostgreSQL: ${counts.checked} responses (1 in ${SAMPLE_EVERY}); stale "free" listings: ${counts.violations} ` +
    `${counts.violations === 0 ? "PASS" : "FAIL"}`,
);
for (const v of violations) console.log(`  ${v}`);

// Our own keys only (REDIS_KEY_PREFIX is this run's).
for (let cursor = "0"; ; ) {
  const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
  if (keys.length) await redis.del(...keys);
  cursor = next;
  if (cursor === "0") break;
}
// No relay ran here: the events of the writer's commands would wait in the outbox for the next web
// process (a backlog that would then weigh on whatever runs next on this database, such as
// bench:booking-scale). Nobody is listening for these bench guests' events: a relay that sends
// them nowhere moves them and the publish mark past them.
const relay = startEventRelay(orm, { emitter: { publish: async () => undefined }, pollMs: 10, electionMs: 100 });
await relay.drain(120_000);
await relay.stop();
redis.disconnect();
await orm.close();
process.exit(counts.violations === 0 ? 0 : 1);
