/**
 * `npm run seed:scale`: a database the size of a regional marketplace, for benchmarks and plans:
 * 200,000 listings, 10,000 hosts, 50,000 guests, about 2,400,000 bookings with their payments and
 * about 2,800,000 events (SCALE=0.1 builds a tenth of it). Everything is set-based SQL (one INSERT …
 * SELECT per table), never one request per row, so it takes minutes.
 *
 * Shape: cities by a Zipf distribution (a few big cities, a long tail of towns); each listing's
 * occupancy between 30% and 95% over the next 180 days, in stays of 1-14 nights laid end to end with
 * gaps; bookings in every status (completed and cancelled in the past; confirmed, pending_payment,
 * cancelled and expired ahead); a few very busy hosts (the busiest holds a ninth of all listings, so
 * about 300,000 events name them). The exclusion constraint checks every row as it goes in.
 *
 * The database is SCALE_DATABASE_URL, by default `nexus_scale` on the private PostgreSQL. It is
 * dropped and built anew, then migrated. Every account's password is "password123".
 */
import pg from "pg";

const started = Date.now();
const scale = Number(process.env.SCALE ?? "1");
if (!(scale > 0 && scale <= 10)) throw new Error("SCALE must be a number in (0, 10]");
const count = (n: number) => Math.max(1, Math.round(n * scale));
const LISTINGS = count(200_000);
const HOSTS = count(10_000);
const GUESTS = count(50_000);
const CITIES = Math.max(20, Math.round(1_000 * Math.sqrt(scale)));
/** Nights of the past that hold stays too (completed, cancelled), before today. */
const PAST_DAYS = 14;
const FUTURE_DAYS = 180;
/** The peak week (95% of listings booked) starts this many days ahead. */
const PEAK_FROM = 60;

const target = new URL(process.env.SCALE_DATABASE_URL ?? "postgres://nexus@127.0.0.1:54329/nexus_scale");
const database = target.pathname.slice(1);
if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`unusual database name "${database}"`);
const adminUrl = new URL(target);
adminUrl.pathname = "/postgres";

function step(label: string, ms: number, rows?: number): void {
  const what = rows === undefined ? "" : ` ${rows.toLocaleString("en")} rows`;
  console.log(`${label.padEnd(28)}${what.padStart(16)}  ${(ms / 1000).toFixed(1).padStart(6)} s`);
}

const admin = new pg.Client({ connectionString: adminUrl.toString() });
await admin.connect();
await admin.query(`drop database if exists ${database} with (force)`);
await admin.query(`create database ${database}`);
const durability = (await admin.query("show fsync")).rows[0].fsync;
await admin.end();

// Migrations through the app's own migrator, on the new database.
process.env.DATABASE_URL = target.toString();
process.env.LOG_LEVEL ??= "warn";
{
  const t = Date.now();
  const { initOrm } = await import("../shared/db/orm.js");
  const orm = await initOrm();
  await orm.getMigrator().up();
  await orm.close();
  step("migrations", Date.now() - t);
}
const { hashPassword } = await import("../shared/domain/accounts/password.js");
const passwordHash = await hashPassword("password123");

const db = new pg.Client({ connectionString: target.toString() });
await db.connect();
// A bulk load: no commit waits, and no row triggers (the overlap guard's trigger re-checks what the
// exclusion constraint already checks; foreign keys are right by construction; what the occupancy and
// gap triggers keep is written set-based below). Constraints and indexes still apply: an overlapping
// pair of stays would fail the load.
await db.query("set synchronous_commit = off");
await db.query("set session_replication_role = replica");
await db.query("set maintenance_work_mem = '512MB'");
await db.query("set work_mem = '256MB'");

async function run(label: string, sql: string, params: unknown[] = []): Promise<number> {
  const t = Date.now();
  const result = await db.query(sql, params);
  step(label, Date.now() - t, result.rowCount ?? undefined);
  return result.rowCount ?? 0;
}

/** The biggest cities, in rank order, with their centres (latitude, longitude). */
const BIG_CITIES: [string, string, number, number][] = [
  ["Addis Ababa", "Ethiopia", 9.03, 38.74],
  ["Nairobi", "Kenya", -1.29, 36.82],
  ["Lisbon", "Portugal", 38.72, -9.14],
  ["Berlin", "Germany", 52.52, 13.405],
  ["Amsterdam", "Netherlands", 52.37, 4.9],
  ["Mombasa", "Kenya", -4.04, 39.67],
  ["Bahir Dar", "Ethiopia", 11.59, 37.39],
  ["Hawassa", "Ethiopia", 7.06, 38.48],
  ["Gondar", "Ethiopia", 12.6, 37.47],
  ["Harar", "Ethiopia", 9.31, 42.12],
  ["Porto", "Portugal", 41.15, -8.61],
  ["Hamburg", "Germany", 53.55, 9.99],
  ["Kisumu", "Kenya", -0.09, 34.77],
  ["Rotterdam", "Netherlands", 51.92, 4.48],
  ["Mekelle", "Ethiopia", 13.5, 39.47],
];
const COUNTRIES = ["Ethiopia", "Kenya", "Portugal", "Germany", "Netherlands"];

// Cities: rank r has weight 1/r (Zipf, s = 1); `upper` is the cumulative share, so a uniform draw
// u picks the first city whose upper bound is ≥ u. Towns get a centre somewhere between the big ones.
await run(
  "cities (Zipf)",
  `create temporary table cities as
     select rank, name, country, lat, lng, sum(1.0 / rank) over (order by rank) / sum(1.0 / rank) over () as upper
       from (select g as rank,
                    coalesce(($2::text[])[g], 'Town ' || g) as name,
                    coalesce(($3::text[])[g], ($4::text[])[1 + g % $5]) as country,
                    coalesce(($6::float8[])[g], -5 + (g * 7919 % 5800) / 100.0) as lat,
                    coalesce(($7::float8[])[g], -10 + (g * 104729 % 5500) / 100.0) as lng
               from generate_series(1, $1) g) c`,
  [
    CITIES,
    BIG_CITIES.map((c) => c[0]),
    BIG_CITIES.map((c) => c[1]),
    COUNTRIES,
    COUNTRIES.length,
    BIG_CITIES.map((c) => c[2]),
    BIG_CITIES.map((c) => c[3]),
  ],
);
await db.query("create index on cities (upper)");

for (const [role, many] of [
  ["host", HOSTS],
  ["guest", GUESTS],
] as const) {
  await run(
    `users: ${role}s`,
    `insert into users (email, name, role, password_hash, created_at)
       select $3::text || g || '@scale.test', initcap($3::text) || ' ' || g, $3::text, $2, now() - random() * interval '3 years'
         from generate_series(1, $1) g`,
    [many, passwordHash, role],
  );
}
await db.query(
  `create temporary table hosts as select row_number() over (order by substring(email from '[0-9]+')::int) as n, id from users where role = 'host';
   create temporary table guests as select row_number() over (order by substring(email from '[0-9]+')::int) as n, id from users where role = 'guest';
   create index on hosts (n); create index on guests (n);`,
);

// Hosts: the busiest (host 1) holds a ninth of the listings, hosts 2-5 2% each, the rest share the
// others evenly.
await run(
  "listings",
  `insert into listings (host_id, title, description, city, country, price_per_night, currency, max_guests,
                         status, rating_sum, review_count, created_at, updated_at, latitude, longitude)
     select h.id, initcap(kind) || ' in ' || c.name || ' #' || g,
            'A ' || kind || ' for up to ' || guests || ' guests in ' || c.name || ', ' || c.country || '. '
              || (array['Quiet street, fast wifi.', 'Close to the market and the station.', 'Garden and a view of the hills.',
                        'A short walk from the old town.', 'Lake view, breakfast on request.'])[1 + g % 5],
            c.name, c.country, price, currency, guests,
            case when g % 20 = 0 then 'archived' else 'active' end,
            reviews * (3 + g % 3), reviews, created, created,
            -- scattered around the centre, most within about 10 km
            c.lat + (random() + random() - 1) * 0.1, c.lng + (random() + random() - 1) * 0.1
       from (select g, random() as u,
                    (array['loft','cottage','studio','guesthouse','villa','flat','cabin','room'])[1 + g % 8] as kind,
                    1 + (g * 7) % 8 as guests,
                    case when g % 4 = 0 then 'USD' else 'ETB' end as currency,
                    case when g % 4 = 0 then 3000 + (g * 37) % 40000 else 80000 + (g * 7919) % 900000 end as price,
                    (g * 13) % 60 as reviews,
                    now() - (g % 730) * interval '1 day' - random() * interval '1 day' as created,
                    case when g % 9 = 0 then 1
                         when g % 50 < 4 then 2 + g % 4
                         else 6 + (g * 31) % greatest($2 - 5, 1) end as host_n
               from generate_series(1, $1) g) l
       join hosts h on h.n = least(l.host_n, $2)
       cross join lateral (select name, country, lat, lng from cities where upper >= l.u order by upper limit 1) c`,
  [LISTINGS, HOSTS],
);

// Stays: per listing an occupancy o in [0.30, 0.95]; stays of 1-14 nights (longer ones likelier)
// follow each other with a gap that averages (1 - o) / o of the stay, so about o of the nights are
// taken. Each stay starts where the previous one and its gap ended (a running sum), from PAST_DAYS
// ago; those that end after FUTURE_DAYS are dropped.
await run(
  "stays (temporary)",
  `create temporary table stays as
     select listing_id, host_id, price, currency, max_guests,
            start + (sum(nights + gap) over w - nights - gap)::int as check_in,
            start + (sum(nights + gap) over w - gap)::int as check_out,
            nights, n
       from (select l.id as listing_id, l.host_id, l.price_per_night as price, l.currency, l.max_guests,
                    current_date - $1::int as start, s.n, s.nights,
                    floor(s.nights * (1 - o.o) / o.o * 2 * random())::int as gap
               from listings l
               cross join lateral (select 0.30 + 0.65 * random() as o where l.id is not null) o
               cross join lateral (
                 select n, least(14, 1 + floor(14 * power(random(), 0.4)))::int as nights
                   from generate_series(1, ceil(($1::int + $2::int) / 7.0)::int + 2) n
                  where l.id is not null) s) x
     window w as (partition by listing_id order by n)`,
  [PAST_DAYS, FUTURE_DAYS],
);
await db.query("delete from stays where check_out > current_date + $1::int", [FUTURE_DAYS]);
// A peak: the week of a festival, PEAK_FROM days ahead, when 95% of listings are booked (confirmed,
// stay n = 0): their stays in its way give way to it, and the other 5% are left free that week.
await run(
  "peak week (95% booked)",
  `with peak as (select daterange(current_date + $1::int, current_date + $1::int + 7, '[)') as nights),
        gone as (delete from stays s using peak where daterange(s.check_in, s.check_out, '[)') && peak.nights)
   insert into stays (listing_id, host_id, price, currency, max_guests, check_in, check_out, nights, n)
   select id, host_id, price_per_night, currency, max_guests, current_date + $1::int, current_date + $1::int + 7, 7, 0
     from listings where random() < 0.95`,
  [PEAK_FROM],
);

// Statuses: past stays are completed (9 in 10) or cancelled; stays ahead are confirmed, some held
// (pending_payment, expiring soon), some cancelled or expired (their nights are free again).
const bookings = await run(
  "bookings",
  `insert into bookings (listing_id, guest_id, check_in, check_out, guests, total_price, currency, status,
                         expires_at, created_at, updated_at, status_changed_at)
     select s.listing_id, g.id, s.check_in, s.check_out, 1 + (s.n * 5) % s.max_guests, s.nights * s.price,
            s.currency, st.status,
            case when st.status = 'pending_payment' then now() + interval '15 minutes' end,
            t.created, greatest(t.created, now() - (s.n % 30) * interval '1 hour'),
            greatest(t.created, now() - (s.n % 30) * interval '1 hour')
       from stays s
       -- booked 1-60 days before check-in, and never later than an hour ago
       cross join lateral (select least(now() - interval '1 hour',
                                        s.check_in - (1 + (s.n * 11) % 60) * interval '1 day') as created) t
       join guests g on g.n = 1 + (abs(hashtext(s.listing_id::text || s.n)) % $1)
       cross join lateral (select random() as u where s.listing_id is not null) r
       cross join lateral (select case
              when s.n = 0 then 'confirmed'
              when s.check_out <= current_date then case when r.u < 0.9 then 'completed' else 'cancelled' end
              when s.check_in <= current_date then 'confirmed'
              when r.u < 0.85 then 'confirmed'
              when r.u < 0.88 then 'pending_payment'
              when r.u < 0.96 then 'cancelled'
              else 'expired' end as status) st`,
  [GUESTS],
);
// What the occupancy triggers would have written (they are off for the load): one row per active booking.
await run(
  "listing occupancy",
  `insert into listing_occupancy (id, kind, listing_id, during)
     select id, 'booking', listing_id, daterange(check_in, check_out, '[)') from bookings
      where status in ('pending_approval', 'pending_payment', 'confirmed')`,
);
await run(
  "payments",
  `insert into payments (booking_id, tx_ref, status, amount, currency, mode, chapa_reference, refund_status,
                         created_at, updated_at)
     select b.id, 'scale-' || b.id, case b.status when 'cancelled' then 'refunded' else 'succeeded' end,
            b.total_price, b.currency, 'test', 'APscale' || substr(md5(b.id::text), 1, 10),
            case b.status when 'cancelled' then 'succeeded' end, b.created_at, b.updated_at
       from bookings b
      where b.status in ('confirmed', 'completed') or (b.status = 'cancelled' and b.check_in <= current_date)`,
);

// Events: booking.created for every booking (guest and host), booking.updated for each one that
// ended (completed, cancelled, expired), in time order (ids follow created_at, as they do live).
// The relay gives ids itself (max(id) + rank, not the sequence): start the sequence above them.
await db.query("select setval('events_id_seq', (select coalesce(max(id), 0) + 1 from events), false)");
const events = await run(
  "events",
  `insert into events (type, user_ids, listing_id, data, created_at)
     select type, array[b.guest_id, l.host_id], b.listing_id,
            json_build_object('id', b.id, 'listingId', b.listing_id, 'listingTitle', l.title,
                              'guestId', b.guest_id, 'guestName', 'Guest', 'hostId', l.host_id,
                              'checkIn', b.check_in, 'checkOut', b.check_out, 'nights', b.check_out - b.check_in,
                              'guests', b.guests, 'totalPrice', b.total_price, 'currency', b.currency,
                              'status', case when e.type = 'booking.created' then 'pending_payment' else b.status end,
                              'expiresAt', null, 'note', null, 'createdAt', b.created_at,
                              'updatedAt', b.updated_at)::jsonb,
            e.at
       from bookings b
       join listings l on l.id = b.listing_id
       cross join lateral (values ('booking.created', b.created_at), ('booking.updated', b.updated_at)) e(type, at)
      where e.type = 'booking.created' or b.status in ('completed', 'cancelled', 'expired')
      order by e.at`,
);
// History, not news: nobody is to receive these live, so the publish mark goes past them.
await db.query("update event_relay_state set published_through = (select coalesce(max(id), 0) from events)");
await db.query("set session_replication_role = origin");
// The triggers were off: the search's free-night gaps are built in one set-based pass.
{
  const t = Date.now();
  const { rows } = await db.query("select listing_gaps_rebuild() as written");
  step("listing gaps", Date.now() - t, Number(rows[0].written));
}
{
  // and the unread counts, from the events' recipients
  const t = Date.now();
  const { rows } = await db.query("select notification_counts_rebuild() as written");
  step("notification counts", Date.now() - t, Number(rows[0].written));
}
{
  const t = Date.now();
  await db.query("vacuum analyze");
  step("vacuum analyze", Date.now() - t);
}

const { rows: busiest } = await db.query(
  `select u.email, count(*)::int as listings from listings l join users u on u.id = l.host_id
    group by u.email order by count(*) desc limit 3`,
);
const { rows: occupancy } = await db.query(
  `select round(100.0 * sum(least(check_out, current_date + 180) - greatest(check_in, current_date))
                / (count(distinct listing_id) * 180), 1) as pct
     from bookings where status in ('pending_payment', 'confirmed') and check_out > current_date`,
);
const { rows: size } = await db.query("select pg_size_pretty(pg_database_size(current_database())) as size");
await db.end();

console.log(
  `\nbuilt ${database}: ${LISTINGS.toLocaleString("en")} listings, ${HOSTS.toLocaleString("en")} hosts, ` +
    `${GUESTS.toLocaleString("en")} guests, ${bookings.toLocaleString("en")} bookings, ` +
    `${events.toLocaleString("en")} events in ${CITIES} cities; ${size[0].size}; fsync=${durability}`,
);
console.log(`occupancy of the next 180 nights: ${occupancy[0].pct}% on average (30-95% per listing)`);
console.log(`busiest hosts: ${busiest.map((r) => `${r.email} (${r.listings} listings)`).join(", ")}`);
console.log(`took ${((Date.now() - started) / 1000).toFixed(0)} s; DATABASE_URL=${target.toString()}`);
