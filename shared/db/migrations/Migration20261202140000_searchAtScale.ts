import { Migration } from "@mikro-orm/migrations";

/** A listing's rating as a sort key: the mean to 2 decimals (as the view shows it), -1 before any review. */
export const RATING_KEY = (alias: string) =>
  `coalesce(round(${alias}.rating_sum::numeric / nullif(${alias}.review_count, 0), 2), -1)`;

/**
 * The words of a listing that free-text search matches (title and description, English stemming),
 * stored (a generated column): checking one listing is then cheap, and ANALYZE keeps the words'
 * frequencies, so the planner knows whether to walk listings in order or read the GIN index.
 */
export const SEARCH_DOCUMENT_SQL = "to_tsvector('english'::regconfig, (title || ' ') || description)";
export const SEARCH_DOCUMENT = (alias: string) => `${alias}.search_document`;

/** A listing's place as an earthdistance point (a cube), for the radius, box and distance order. */
export const EARTH_POINT = (alias: string) => `ll_to_earth(${alias}.latitude, ${alias}.longitude)`;

const ACTIVE = "where status = 'active'";

/**
 * Writes the gaps of the listings `which` selects (over listing_gap_bounds `b`; all by default), with
 * the listing's searched columns copied in: the one statement both the per-listing refresh and the
 * set-based rebuild run. Empty spans (adjacent stays) are left out.
 */
const insertGaps = (which = "true") => `insert into listing_gaps (listing_id, free, active, city_key, country_key,
    price, max_guests, created_at, rating, latitude, longitude)
  select l.id, daterange(b.starts, b.ends, '[)'), l.status = 'active', lower(l.city), lower(l.country),
         l.price_per_night, l.max_guests, l.created_at, ${RATING_KEY("l")}, l.latitude, l.longitude
    from listing_gap_bounds b join listings l on l.id = b.listing_id
   where ${which} and (b.starts is null or b.ends is null or b.starts < b.ends)`;

/**
 * The gaps in each order a search can walk them (newest first, by price; in one city or all), with
 * what the walk filters on included, so that walk reads the index alone (search.ts, walkGaps()).
 */
export const GAP_WALK_INDEXES: Record<string, string> = {
  listing_gaps_newest_idx:
    "(created_at desc, listing_id desc) include (free, price, max_guests, city_key, country_key) where active",
  listing_gaps_city_newest_idx:
    "(city_key, created_at desc, listing_id desc) include (free, price, max_guests, country_key) where active",
  listing_gaps_price_idx:
    "(price, listing_id) include (free, max_guests, city_key, country_key, created_at) where active",
  listing_gaps_city_price_idx: "(city_key, price, listing_id) include (free, max_guests, country_key) where active",
  listing_gaps_rating_idx:
    "(rating desc, listing_id desc) include (free, price, max_guests, city_key, country_key) where active",
  listing_gaps_city_rating_idx:
    "(city_key, rating desc, listing_id desc) include (free, price, max_guests, country_key) where active",
};

/**
 * Issue 15: search that stays fast at marketplace scale (200,000 listings, 2,000,000 bookings).
 *
 * 1. Listings get a place (latitude, longitude; null for those listed before) and an index per way
 *    a search is ordered, each partial on active listings, each also led by lower(city) (the city
 *    filter is `lower(l.city) = ?`): newest first, price, rating. A GIN index serves free text, a
 *    GiST index over ll_to_earth() the radius, the map's box and the distance order (earthdistance,
 *    from contrib). They replace listings_search_idx (status, city, created_at), which the
 *    case-insensitive filter could not use.
 *
 * 2. listing_gaps: for every listing, the maximal spans of nights that no FIRM occupant holds, a
 *    firm occupant being a confirmed booking or a host's block (the two that block whatever the
 *    clock says). A listing free over a stay has one gap containing it, so "listings free from A to
 *    B" is one GiST range search (`free @> daterange(A, B)`) that costs what it returns, not a walk
 *    of every listing: the search for dates when nearly everything is booked no longer costs
 *    seconds. The gaps are a SUPERSET of the listings free right now (a live hold or a pending
 *    request, which lapse by the clock, is not in them), so search still ends with the exact rule
 *    (booking_blocks_dates() and listing_blocks, the same as availability and the hold): the gaps
 *    only choose which listings to check. The listing's filter and sort columns are copied in, so
 *    the candidates are chosen, filtered and ordered from this table alone.
 *
 *    Kept in the same transaction as what changes them, by triggers: a booking becoming or ceasing
 *    to be confirmed (or a confirmed one moving), any block written, a listing inserted or its
 *    searched columns changed. Each recomputes the listing's gaps from scratch
 *    (listing_gaps_refresh()), under a per-listing advisory lock so that two transactions changing
 *    one listing recompute one after the other, the second from what the first committed (in READ
 *    COMMITTED, which every command runs in, each statement after the lock sees that commit). The
 *    hold path does not touch them: a hold is not firm.
 */
export class Migration20261202140000_searchAtScale extends Migration {
  override async up(): Promise<void> {
    this.addSql("create extension if not exists cube;");
    this.addSql("create extension if not exists earthdistance;");

    this.addSql(`
alter table listings add column latitude double precision null, add column longitude double precision null,
  add constraint listings_place_check check ((latitude is null) = (longitude is null)
    and abs(latitude) <= 90 and abs(longitude) <= 180);`);

    this.addSql(
      `alter table listings add column search_document tsvector generated always as (${SEARCH_DOCUMENT_SQL}) stored;`,
    );
    this.addSql(`drop index if exists listings_search_idx;`);
    this.addSql(`create index listings_newest_idx on listings (created_at desc, id desc) ${ACTIVE};`);
    this.addSql(`create index listings_city_newest_idx on listings (lower(city), created_at desc, id desc) ${ACTIVE};`);
    this.addSql(`create index listings_price_idx on listings (price_per_night, id) ${ACTIVE};`);
    this.addSql(`create index listings_city_price_idx on listings (lower(city), price_per_night, id) ${ACTIVE};`);
    this.addSql(`create index listings_rating_idx on listings (${RATING_KEY("listings")} desc, id desc) ${ACTIVE};`);
    this.addSql(
      `create index listings_city_rating_idx on listings (lower(city), ${RATING_KEY("listings")} desc, id desc) ${ACTIVE};`,
    );
    this.addSql(`create index listings_text_idx on listings using gin (search_document) ${ACTIVE};`);
    // The map's box and a radius's bounding box: plain ranges, which the planner can estimate.
    this.addSql(
      `create index listings_latitude_idx on listings (latitude, longitude) ${ACTIVE} and latitude is not null;`,
    );
    this.addSql(
      `create index listings_place_idx on listings using gist (${EARTH_POINT("listings")}) ${ACTIVE} and latitude is not null;`,
    );

    this.addSql(`
create table listing_gaps (
  listing_id uuid not null, free daterange not null,
  active boolean not null, city_key text not null, country_key text not null, price integer not null,
  max_guests integer not null, created_at timestamptz not null, rating numeric not null,
  latitude double precision null, longitude double precision null,
  constraint listing_gaps_pkey primary key (listing_id, free));`);
    this.addSql(`create index listing_gaps_free_idx on listing_gaps using gist (free) where active;`);
    this.addSql(`create index listing_gaps_city_free_idx on listing_gaps using gist (city_key, free) where active;`);
    for (const [name, sql] of Object.entries(GAP_WALK_INDEXES))
      this.addSql(`create index ${name} on listing_gaps ${sql};`);

    // A listing's firm occupants, and the gaps between them: from the end of one (or -infinity) to the
    // start of the next (or infinity); adjacent stays leave no gap. Firm occupants never overlap (the
    // exclusion constraints), so the gaps are disjoint.
    // Plain views, no CTE: a query for one listing (listing_gaps_refresh()) is pushed down into both
    // branches and the window's partition, so it reads that listing's rows by index only.
    this.addSql(`
create view listing_firm_stays as
select listing_id, check_in, check_out from bookings where status = 'confirmed'
union all
select listing_id, check_in, check_out from listing_blocks;`);
    this.addSql(`
create view listing_gap_bounds as
select listing_id, lag(check_out) over (partition by listing_id order by check_in) as starts, check_in as ends
  from listing_firm_stays
union all
select l.id, (select max(f.check_out) from listing_firm_stays f where f.listing_id = l.id), null from listings l;`);

    this.addSql(`
create function listing_gaps_refresh(p_listing_id uuid) returns void language plpgsql as $fn$
begin
  perform pg_advisory_xact_lock(hashtextextended('nexus:listing_gaps:' || p_listing_id::text, 0));
  delete from listing_gaps where listing_id = p_listing_id;
  ${insertGaps("b.listing_id = p_listing_id")};
end
$fn$;`);

    this.addSql(`
create function bookings_gaps() returns trigger language plpgsql as $fn$
begin
  if tg_op <> 'INSERT' then perform listing_gaps_refresh(old.listing_id); end if;
  if tg_op <> 'DELETE' and (tg_op = 'INSERT' or new.listing_id <> old.listing_id) then
    perform listing_gaps_refresh(new.listing_id);
  end if;
  return null;
end
$fn$;`);
    this.addSql(`
create trigger bookings_gaps_insert after insert on bookings
  for each row when (new.status = 'confirmed') execute function bookings_gaps();`);
    this.addSql(`
create trigger bookings_gaps_delete after delete on bookings
  for each row when (old.status = 'confirmed') execute function bookings_gaps();`);
    this.addSql(`
create trigger bookings_gaps_update after update of status, check_in, check_out, listing_id on bookings
  for each row when ((old.status = 'confirmed') <> (new.status = 'confirmed')
    or (new.status = 'confirmed' and (old.check_in, old.check_out, old.listing_id)
                                      is distinct from (new.check_in, new.check_out, new.listing_id)))
  execute function bookings_gaps();`);
    this.addSql(`
create trigger listing_blocks_gaps after insert or delete or update of check_in, check_out, listing_id
  on listing_blocks for each row execute function bookings_gaps();`);

    this.addSql(`
create function listings_gaps() returns trigger language plpgsql as $fn$
begin
  perform listing_gaps_refresh(new.id);
  return null;
end
$fn$;`);
    this.addSql(`
create trigger listings_gaps_insert after insert on listings for each row execute function listings_gaps();`);
    this.addSql(`
create trigger listings_gaps_update after update of status, city, country, price_per_night, max_guests, rating_sum,
  review_count, created_at, latitude, longitude on listings
  for each row when ((old.status, old.city, old.country, old.price_per_night, old.max_guests, old.rating_sum,
                      old.review_count, old.created_at, old.latitude, old.longitude)
          is distinct from (new.status, new.city, new.country, new.price_per_night, new.max_guests, new.rating_sum,
                            new.review_count, new.created_at, new.latitude, new.longitude))
  execute function listings_gaps();`);

    // Every listing's gaps anew, set-based (one statement, however many listings): for the listings
    // there are now, and for bulk loads that run without triggers (npm run seed:scale).
    this.addSql(`
create function listing_gaps_rebuild() returns bigint language plpgsql as $fn$
declare
  written bigint;
begin
  lock table listing_gaps in exclusive mode;
  delete from listing_gaps;
  ${insertGaps()};
  get diagnostics written = row_count;
  return written;
end
$fn$;`);
    this.addSql("select listing_gaps_rebuild();");
  }

  override async down(): Promise<void> {
    this.addSql("drop trigger listings_gaps_update on listings;");
    this.addSql("drop trigger listings_gaps_insert on listings;");
    this.addSql("drop function listings_gaps();");
    this.addSql("drop trigger listing_blocks_gaps on listing_blocks;");
    this.addSql("drop trigger bookings_gaps_update on bookings;");
    this.addSql("drop trigger bookings_gaps_delete on bookings;");
    this.addSql("drop trigger bookings_gaps_insert on bookings;");
    this.addSql("drop function bookings_gaps();");
    this.addSql("drop function listing_gaps_rebuild();");
    this.addSql("drop function listing_gaps_refresh(uuid);");
    this.addSql("drop view listing_gap_bounds;");
    this.addSql("drop view listing_firm_stays;");
    this.addSql("drop table listing_gaps;");
    for (const index of [
      "newest",
      "city_newest",
      "price",
      "city_price",
      "rating",
      "city_rating",
      "text",
      "place",
      "latitude",
    ]) {
      this.addSql(`drop index listings_${index}_idx;`);
    }
    this.addSql(`create index "listings_search_idx" on "listings" ("status", "city", "created_at");`);
    this.addSql(
      "alter table listings drop constraint listings_place_check, drop column longitude, drop column latitude;",
    );
    this.addSql("drop extension earthdistance;");
    this.addSql("drop extension cube;");
  }
}
