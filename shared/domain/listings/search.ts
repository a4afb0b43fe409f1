import { IsolationLevel } from "@mikro-orm/core";
import type { EntityManager } from "@mikro-orm/postgresql";
import { EARTH_POINT, RATING_KEY, SEARCH_DOCUMENT } from "../../db/migrations/Migration20261202140000_searchAtScale.js";
import { sql as runSql } from "../../db/sql.js";
import { encodeCursor } from "../../pagination.js";
import { BLOCKING_BOOKING_SQL } from "../bookings/availability.js";
import { platformFees } from "../pricing/fees.js";
import { fitsTotalPrice } from "../pricing/fits.js";
import { priceStay } from "../pricing/priceStay.js";
import { SEARCH_RADIUS_KM_DEFAULT, type SearchFilters, type SearchSort } from "./schemas.js";
import { LISTING_COLUMNS, type ListingRow, type ListingView, toListingView } from "./view.js";

export interface SearchPage {
  listings: ListingView[];
  nextCursor: string | null;
  /**
   * With dates: milliseconds until the earliest unpaid hold or pending request that may have hidden a
   * listing from this answer lapses (the answer is wrong from then on); null when none played a part.
   */
  holdExpiresInMs: number | null;
}

/** Stays overlapping [checkIn, checkOut), with the bookings table aliased `b`; 2 parameters. */
const OVERLAPS_STAY_SQL = "daterange(b.check_in, b.check_out, '[)') && daterange(?::date, ?::date, '[)')";

/**
 * "Listing `l` is free from checkIn to checkOut": no booking that blocks right now (confirmed, or a
 * hold or request not lapsed yet) overlaps the stay, and no block of its host does. The same SQL rules,
 * booking_blocks_dates() and listing_blocks, as the availability endpoint (listing_blocked_json())
 * and the hold, so they cannot disagree. Parameters: listingFreeParams().
 *
 * `offset 0` keeps each NOT EXISTS a per-listing probe of the listing's own rows (by index): without
 * it PostgreSQL may turn it into an anti-join that first reads every booking overlapping the stay in
 * the whole marketplace (seconds at 2,000,000 bookings), where search needs a few dozen probes.
 */
export const LISTING_FREE_SQL = `not exists (select 1 from bookings b
  where b.listing_id = l.id and ${BLOCKING_BOOKING_SQL} and ${OVERLAPS_STAY_SQL} offset 0)
  and not exists (select 1 from listing_blocks x
  where x.listing_id = l.id and x.check_in < ?::date and x.check_out > ?::date offset 0)`;

/** LISTING_FREE_SQL's parameters. */
const listingFreeParams = (checkIn: string, checkOut: string) => [checkIn, checkOut, checkOut, checkIn];

/** Kilometres in a degree of latitude (and of longitude at the equator). */
const KM_PER_DEGREE = 111.195;

/** A validated number as an SQL literal (zod bounded it: finite, in range). */
const literal = (value: number) => {
  if (!Number.isFinite(value)) throw new Error("not a finite number");
  return `${value}::float8`;
};

/** The centre of a distance order: lat,lng, or the middle of the map's box. */
function centre(f: SearchFilters): { lat: number; lng: number } | null {
  if (f.lat !== undefined && f.lng !== undefined) return { lat: f.lat, lng: f.lng };
  if (f.bbox) return { lat: (f.bbox.minLat + f.bbox.maxLat) / 2, lng: (f.bbox.minLng + f.bbox.maxLng) / 2 };
  return null;
}

/** Over listings (`l`) or their gaps (`g`, migration searchAtScale): the same columns under other names. */
type Alias = "l" | "g";
const columns = (alias: Alias) =>
  alias === "l"
    ? {
        active: "l.status = 'active'",
        city: "lower(l.city)",
        country: "lower(l.country)",
        price: "l.price_per_night",
        guests: "l.max_guests",
        createdAt: "l.created_at",
        rating: RATING_KEY("l"),
        latitude: "l.latitude",
        point: EARTH_POINT("l"),
        id: "l.id",
      }
    : {
        active: "g.active",
        city: "g.city_key",
        country: "g.country_key",
        price: "g.price",
        guests: "g.max_guests",
        createdAt: "g.created_at",
        rating: "g.rating",
        latitude: "g.latitude",
        point: EARTH_POINT("g"),
        id: "g.listing_id",
      };

/** A sort: its key expression, its direction, the key's SQL type (for the cursor) and its text form. */
function ordering(f: SearchFilters, alias: Alias) {
  const c = columns(alias);
  const at = centre(f);
  const orders: Record<SearchSort, { key: string; desc: boolean; type: string; text?: string }> = {
    newest: {
      key: c.createdAt,
      desc: true,
      type: "timestamptz",
      // to the microsecond: rows created in the same millisecond are neither skipped nor repeated
      text: `to_char(${c.createdAt} at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    },
    price_asc: { key: c.price, desc: false, type: "int" },
    price_desc: { key: c.price, desc: true, type: "int" },
    rating: { key: c.rating, desc: true, type: "numeric" },
    // the chord distance (cube's <->, served by the GiST index in order): monotonic in the great-circle one
    distance: {
      key: at ? `(${c.point} <-> ll_to_earth(${literal(at.lat)}, ${literal(at.lng)}))` : "0",
      desc: false,
      type: "float8",
    },
  };
  const order = orders[f.sort];
  const dir = order.desc ? " desc" : "";
  return {
    ...order,
    id: c.id,
    orderBy: `order by ${order.key}${dir}, ${c.id}${dir}`,
    keyText: order.text ?? `(${order.key})::text`,
  };
}

/** The filters on the listing itself (not dates), over `l` or `g`; free text only over `l`. */
function listingConditions(f: SearchFilters, alias: Alias): { sql: string[]; params: unknown[] } {
  const c = columns(alias);
  const sql = [c.active];
  const params: unknown[] = [];
  const add = (condition: string, ...values: unknown[]) => {
    sql.push(condition);
    params.push(...values);
  };
  // The filter values are already lower-cased (schemas.ts), as the indexes' lower(city) is.
  if (f.city !== undefined) add(`${c.city} = ?`, f.city);
  if (f.country !== undefined) add(`${c.country} = ?`, f.country);
  if (f.minPrice !== undefined) add(`${c.price} >= ?`, f.minPrice);
  if (f.maxPrice !== undefined) add(`${c.price} <= ?`, f.maxPrice);
  if (f.guests !== undefined) add(`${c.guests} >= ?`, f.guests);
  if (f.q !== undefined && alias === "l") add(`${SEARCH_DOCUMENT("l")} @@ websearch_to_tsquery('english', ?)`, f.q);
  const lng = alias === "l" ? "l.longitude" : "g.longitude";
  if (f.lat !== undefined && f.lng !== undefined && f.sort === "distance") {
    // Nearest first: a cube around the circle, which the GiST index answers while it walks outwards
    // (nearest()), then the great-circle distance.
    const here = `ll_to_earth(${literal(f.lat)}, ${literal(f.lng)})`;
    const metres = literal((f.radiusKm ?? SEARCH_RADIUS_KM_DEFAULT) * 1000);
    sql.push(`earth_box(${here}, ${metres}) @> ${c.point}`, `earth_distance(${here}, ${c.point}) <= ${metres}`);
  } else if (f.lat !== undefined && f.lng !== undefined) {
    const km = f.radiusKm ?? SEARCH_RADIUS_KM_DEFAULT;
    // The circle's bounding box in degrees (plain ranges the planner can estimate and the latitude
    // index serves; longitude degrees shrink towards the poles), then the great-circle distance.
    const dLat = km / KM_PER_DEGREE;
    const dLng = km / (KM_PER_DEGREE * Math.max(Math.cos((f.lat * Math.PI) / 180), 0.01));
    sql.push(`${c.latitude} between ${literal(f.lat - dLat)} and ${literal(f.lat + dLat)}`);
    if (f.lng - dLng > -180 && f.lng + dLng < 180) {
      sql.push(`${lng} between ${literal(f.lng - dLng)} and ${literal(f.lng + dLng)}`);
    }
    sql.push(`earth_distance(ll_to_earth(${literal(f.lat)}, ${literal(f.lng)}), ${c.point}) <= ${literal(km * 1000)}`);
  }
  if (f.bbox) {
    const b = f.bbox;
    sql.push(
      `${c.latitude} between ${literal(b.minLat)} and ${literal(b.maxLat)}`,
      `${lng} between ${literal(b.minLng)} and ${literal(b.maxLng)}`,
    );
  }
  if (f.sort === "distance") sql.push(`${c.latitude} is not null`);
  if (f.cursor) {
    const o = ordering(f, alias);
    add(`(${o.key}, ${o.id}) ${o.desc ? "<" : ">"} (?::${o.type}, ?::uuid)`, f.cursor.key, f.cursor.id);
  }
  return { sql, params };
}

type Row = ListingRow & { sort_key: string };

/** The matching listings free over the dates (when given), in the search's order, `limit` at most. */
async function fetchListings(
  em: EntityManager,
  f: SearchFilters,
  limit: number,
  extra?: { sql: string; params: unknown[] },
) {
  const { sql, params } = listingConditions(f, "l");
  if (extra) {
    sql.push(extra.sql);
    params.push(...extra.params);
  }
  if (f.checkIn && f.checkOut) {
    sql.push(LISTING_FREE_SQL);
    params.push(...listingFreeParams(f.checkIn, f.checkOut));
  }
  const o = ordering(f, "l");
  return runSql(em)<Row>(
    `select ${LISTING_COLUMNS}, ${o.keyText} as sort_key from listings l where ${sql.join(" and ")} ${o.orderBy} limit ?`,
    [...params, limit],
  );
}

/** How many listings, in the search's order, a dated search checks one by one before it asks the gaps. */
const probesFor = (limit: number) => Math.max(200, 10 * (limit + 1));

/** How many gap entries, in the search's order, a dated search reads before it asks the GiST index instead. */
const GAP_WALK_ENTRIES = 30_000;

/** Searches whose order and filters a gap index holds (walkGaps()); the others probe listings first. */
const walkable = (f: SearchFilters) => f.sort !== "distance" && f.q === undefined && f.lat === undefined && !f.bbox;

/**
 * The first `limit` listings free over the dates, in order. Every way ends with the exact rule
 * (LISTING_FREE_SQL) over candidates taken in the search's order, so which way answered never
 * changes the answer; they differ in how candidates are found, cheapest first:
 * 1. a walk of the gaps in the search's order (walkGaps(): one index, read alone), at most
 *    GAP_WALK_ENTRIES entries: enough unless free listings are rare on those nights; or, for orders
 *    no gap index holds (rating, distance, free text, places), the listings in order, each checked,
 *    at most probesFor() of them;
 * 2. when that did not fill the page (most listings booked on those nights, or none free at all):
 *    every listing with a gap containing the stay (one GiST range search, whose cost is what it
 *    returns), in order, in batches that grow until the page is full or the gaps run out.
 * The gaps leave out no free listing (a free listing's nights lie in one of its gaps), but may hold
 * one that a live hold or request took: the exact rule decides.
 */
async function fetchFree(
  em: EntityManager,
  f: SearchFilters,
  limit: number,
): Promise<{ rows: Row[]; lapse: number | null }> {
  // Free text on dates goes straight to the gaps (joined to the text): its probes would be spent on
  // listings that are booked or do not match, and the gaps' walk checks both from an index.
  const first = walkable(f)
    ? await walkGaps(em, f, limit)
    : f.sort === "distance"
      ? await nearest(em, f, limit)
      : f.q !== undefined
        ? null
        : await probeListings(em, f, limit);
  if (first) return first;
  const g = ordering(f, "g");
  const gaps = listingConditions({ ...f, q: undefined }, "g");
  // Free text lives on the listing, not in its gaps: those candidates are joined to it.
  const text =
    f.q === undefined
      ? ""
      : `join listings l on l.id = g.listing_id and ${SEARCH_DOCUMENT("l")} @@ websearch_to_tsquery('english', ?)`;
  for (let batch = limit + 4; ; batch *= 8) {
    const candidates = await runSql(em)<{ id: string }>(
      `select g.listing_id as id from listing_gaps g ${text}
        where ${[...gaps.sql, "g.free @> daterange(?::date, ?::date, '[)')"].join(" and ")} ${g.orderBy} limit ?`,
      [...(f.q === undefined ? [] : [f.q]), ...gaps.params, f.checkIn, f.checkOut, batch],
    );
    const checked = await checkCandidates(em, f, limit, candidates);
    if (checked.rows.length >= limit || candidates.length < batch) return checked;
  }
}

/**
 * Candidates from the ordered gap index: the first ones, in order, whose gap contains the stay,
 * among the first GAP_WALK_ENTRIES entries matching the filters. They are a prefix of all candidates
 * in order, so if enough of them pass the exact rule, they are the page. Null: ask the GiST index.
 */
async function walkGaps(em: EntityManager, f: SearchFilters, limit: number) {
  const g = ordering(f, "g");
  const gaps = listingConditions(f, "g");
  for (let batch = limit + 4; batch <= GAP_WALK_ENTRIES; batch *= 8) {
    const candidates = await runSql(em)<{ id: string }>(
      `select w.listing_id as id
         from (select g.listing_id, g.free from listing_gaps g where ${gaps.sql.join(" and ")} ${g.orderBy} limit ?) w
        where w.free @> daterange(?::date, ?::date, '[)') limit ?`,
      [...gaps.params, GAP_WALK_ENTRIES, f.checkIn, f.checkOut, batch],
    );
    const checked = await checkCandidates(em, f, limit, candidates);
    if (checked.rows.length >= limit) return checked;
    if (candidates.length < batch) return null;
  }
  return null;
}

/**
 * The listings in order, each checked with the exact rule, at most probesFor() of them; null when
 * that did not fill the page.
 */
async function probeListings(em: EntityManager, f: SearchFilters, limit: number) {
  const first = probesFor(limit);
  const o = ordering(f, "l");
  const { sql, params } = listingConditions(f, "l");
  const rows = await runSql(em)<Row>(
    `select ${LISTING_COLUMNS}, ${o.keyText} as sort_key
       from (select * from listings l where ${sql.join(" and ")} ${o.orderBy} limit ?) l
      where ${LISTING_FREE_SQL} ${o.orderBy} limit ?`,
    [...params, first, ...listingFreeParams(f.checkIn!, f.checkOut!), limit],
  );
  if (rows.length < limit) return null;
  // The listings passed over on the way to the page's last row: a hold on one of them may lapse.
  const last = rows[rows.length - 1];
  const upToLast = `(${o.key}, ${o.id}) ${o.desc ? ">=" : "<="} (?::${o.type}, ?::uuid)`;
  const lapse = await holdLapse(
    em,
    f,
    `select l.id from listings l where ${[...sql, upToLast].join(" and ")} ${o.orderBy} limit ?`,
    [...params, last.sort_key, last.id, first],
  );
  return { rows, lapse };
}

/** The first `limit` of the candidates (ids in the search's order) that pass every filter and the exact rule. */
async function checkCandidates(em: EntityManager, f: SearchFilters, limit: number, candidates: { id: string }[]) {
  if (candidates.length === 0) return { rows: [], lapse: null };
  const rows = await fetchListings(em, f, limit, { sql: "l.id = any(?::uuid[])", params: [uuidArray(candidates)] });
  // The candidates before the page's last row that the exact rule turned down: what a hold may be hiding.
  const shown = new Set(rows.map((row) => row.id));
  const end = rows.length >= limit ? candidates.findIndex((c) => c.id === rows[rows.length - 1].id) : -1;
  const passed = (end < 0 ? candidates : candidates.slice(0, end)).filter((c) => !shown.has(c.id));
  const lapse = passed.length ? await holdLapse(em, f, "select unnest(?::uuid[]) as id", [uuidArray(passed)]) : null;
  return { rows, lapse };
}

/**
 * Nearest first. The GiST index over the places orders by distance alone (a KNN scan, which stops
 * after what it returns); ordered by distance and id it would read and sort every listing in range.
 * So: the KNN scan finds how far the page reaches (the `limit`-th match, checked for the dates when
 * there are any, among the probesFor() nearest), then one query takes everything matching within
 * that distance in (distance, id) order, so listings at the very same distance are ordered (and
 * paged) by id. Dated and not filled: null (ask the gaps). Undated, fewer than `limit` match at all.
 */
async function nearest(em: EntityManager, f: SearchFilters, limit: number) {
  const dated = Boolean(f.checkIn && f.checkOut);
  const o = ordering(f, "l");
  const { sql, params } = listingConditions(f, "l");
  const window = `select * from listings l where ${sql.join(" and ")} order by ${o.key} limit ?`;
  // Sorting stays off for this one statement: PostgreSQL's estimate for a box of places is a guess,
  // and with a window of a few hundred it would rather read the whole box and sort it (hundreds of
  // milliseconds in a city centre) than walk the index outwards (a few). JIT too: the cost that
  // disabling sorts adds would make it compile the statement (200 ms) to save nothing.
  await runSql(em)("set local enable_sort = off; set local jit = off");
  // No ORDER BY outside the window: the probes stop at the `limit`-th free listing as the walk meets
  // it. Whatever order they came in, the farthest of them bounds the page (the query below orders
  // everything within it), so the answer never depends on that order, only the work does.
  const reach = await runSql(em)<{ d: number }>(
    `select ${o.key} as d from (${window}) l ${dated ? `where ${LISTING_FREE_SQL}` : ""} limit ?`,
    [...params, dated ? probesFor(limit) : limit, ...(dated ? listingFreeParams(f.checkIn!, f.checkOut!) : []), limit],
  );
  await runSql(em)("reset enable_sort; reset jit");
  if (reach.length < limit) return dated ? null : { rows: await fetchListings(em, f, limit), lapse: null };
  const d = Math.max(...reach.map((row) => row.d));
  const at = centre(f)!;
  // Everything within the reach: the box around it for the index, the distance itself exactly.
  const within = {
    sql: `earth_box(ll_to_earth(${literal(at.lat)}, ${literal(at.lng)}), ?::float8) @> ${EARTH_POINT("l")} and ${o.key} <= ?::float8`,
    params: [d, d],
  };
  const rows = await fetchListings(em, f, limit, within);
  if (!dated) return { rows, lapse: null };
  const passed = listingConditions(f, "l");
  const lapse = await holdLapse(
    em,
    f,
    `select l.id from listings l where ${[...passed.sql, within.sql].join(" and ")}`,
    [...passed.params, ...within.params],
  );
  return { rows, lapse };
}

/** Ids as one array literal (knex would spread a JS array into a list of parameters). */
const uuidArray = (rows: { id: string }[]) => `{${rows.map((row) => row.id).join(",")}}`;

/**
 * Milliseconds until the first live hold or request over the dates on one of the listings `passed`
 * selects (an SQL query of ids) lapses: from then on such a listing may be free, and the answer it
 * was left out of is out of date. Null when no hold is in play. Probes each listing's occupancy.
 */
async function holdLapse(em: EntityManager, f: SearchFilters, passed: string, params: unknown[]) {
  const [row] = await runSql(em)<{ ms: string | null }>(
    `select floor(extract(epoch from (min(b.expires_at) - now())) * 1000)::bigint as ms
       from (${passed}) c
       join listing_occupancy o on o.listing_id = c.id and o.kind = 'booking'
        and o.during && daterange(?::date, ?::date, '[)')
       join bookings b on b.id = o.id
      where b.status in ('pending_payment', 'pending_approval') and b.expires_at > now()`,
    [...params, f.checkIn, f.checkOut],
  );
  return row?.ms === null || row?.ms === undefined ? null : Number(row.ms);
}

/**
 * A dated search's listing with the quote's total for the searched stay: priced from the row the
 * search already read (its rules are a column), by the same function as the quote, so a page costs
 * no query per listing.
 */
function withStayTotal(listing: ListingView, f: SearchFilters): ListingView {
  if (!f.checkIn || !f.checkOut) return listing;
  const { total } = priceStay(
    listing,
    { checkIn: f.checkIn, checkOut: f.checkOut, guests: f.guests ?? 1 },
    platformFees(),
  );
  return { ...listing, stayTotal: fitsTotalPrice(total) ? total : null };
}

async function findPage(em: EntityManager, f: SearchFilters): Promise<SearchPage> {
  const { rows, lapse } =
    f.checkIn && f.checkOut
      ? await fetchFree(em, f, f.limit + 1)
      : f.sort === "distance"
        ? ((await nearest(em, f, f.limit + 1)) ?? { rows: [], lapse: null })
        : { rows: await fetchListings(em, f, f.limit + 1), lapse: null };
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  return {
    listings: page.map(toListingView).map((listing) => withStayTotal(listing, f)),
    nextCursor: rows.length > f.limit && last ? encodeCursor([f.sort, last.sort_key, last.id]) : null,
    holdExpiresInMs: lapse,
  };
}

/**
 * One page of active listings matching the filters, in the chosen order, straight from PostgreSQL
 * (the cache sits in front: searchCache.ts). Both reads share one snapshot and one now(), so a hold
 * cannot lapse between hiding a listing and being counted in `holdExpiresInMs`.
 */
export async function searchListings(em: EntityManager, filters: SearchFilters): Promise<SearchPage> {
  const run = async (tx: EntityManager): Promise<SearchPage> => {
    const page = await findPage(tx, filters);
    return page;
  };
  if (em.isInTransaction()) return run(em);
  return em.transactional(run, { isolationLevel: IsolationLevel.REPEATABLE_READ, readOnly: true });
}
