import { Migration } from "@mikro-orm/migrations";

/** The statuses that occupy a booking's dates: ACTIVE_BOOKING_STATUSES, as bookings_no_overlap lists them. */
const ACTIVE = "('pending_approval', 'pending_payment', 'confirmed')";

/**
 * Issue 14 point 6, host calendar blocks.
 *
 * listing_blocks: the nights a host keeps off the market, [check_in, check_out) like a stay.
 *
 * listing_occupancy: one row per active booking and one per block, with the one exclusion
 * constraint that decides between them, listing_occupancy_no_overlap. A PostgreSQL exclusion
 * constraint cannot span two tables, so both kinds of occupant meet in this one; no command writes
 * it, triggers do, in the statement that changes the occupant:
 *   - bookings_occupy (after insert, delete, or update of status, dates or listing): a booking's row
 *     is there exactly while its status is active (the same predicate as bookings_no_overlap, so a
 *     lapsed but unswept hold keeps its row until it is expired, as it keeps its place in that
 *     constraint). Its WHEN clauses keep every other update (a note, updated_at) from calling it.
 *   - listing_blocks_occupy (after insert, delete, or update of dates or listing): a block's row.
 * So a hold inserted over a block (by hold_booking_dates(), unchanged) and a block inserted over a
 * hold or another block fail alike with 23P01, which every command answers 409 dates_unavailable,
 * whichever side loses a race. Both sides take the listing's availability lock first, so in
 * practice they queue; the constraint, not a prior check, decides. `id` is the occupant's own id
 * (bookings and blocks both have UUIDs), so a trigger finds its row by primary key and there is no
 * foreign key to check on the hot path (listing_id is the occupant's, copied).
 *
 * bookings_no_overlap stays as it is: booking against booking is still refused by it (and by the
 * overlap guard) first (test/shapes.test.ts and test/overlapGuard.test.ts check them).
 *
 * The second guard (see migration bookingsOverlapGuard: an exclusion check can skip GiST entries
 * with LP_DEAD hints) covers blocks too: bookings_guard_overlap() also looks for a block in the
 * way, and listing_blocks_guard_overlap (before insert or update of a block) for an active booking
 * or another block, each with plain btree scans, raising the constraint's own error (23P01 on
 * listing_occupancy_no_overlap, answered 409 dates_unavailable). Under the listing's availability
 * lock (which the hold and the block commands take first) these checks are exact; without it, the
 * exclusion constraint still decides races between uncommitted rows. Cost on the hold: one probe
 * of listing_blocks_listing_idx.
 *
 * listing_blocked_json() now unions the blocks with the blocking bookings. Its output keeps its
 * shape, one {checkIn, checkOut} per booking or block, not merged, ordered by check-in: availability,
 * blockedRanges(), hold_booking_dates()'s listing.availability event and emitAvailabilityChanged()
 * all show blocks without any change of theirs (and without telling a block from a booking).
 */
export class Migration20261202063000_calendarBlocks extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table "listing_blocks" ("id" uuid not null default gen_random_uuid(), "listing_id" uuid not null,
  "check_in" date not null, "check_out" date not null, "note" varchar(200) null, "created_by_id" uuid not null,
  "created_at" timestamptz not null default now(), constraint "listing_blocks_pkey" primary key ("id"),
  constraint listing_blocks_dates_check check (check_out > check_in));`);
    this.addSql(`create index "listing_blocks_listing_idx" on "listing_blocks" ("listing_id", "check_in");`);
    this.addSql(`
alter table "listing_blocks" add constraint "listing_blocks_listing_id_foreign"
  foreign key ("listing_id") references "listings" ("id") on update cascade;`);
    this.addSql(`
alter table "listing_blocks" add constraint "listing_blocks_created_by_id_foreign"
  foreign key ("created_by_id") references "users" ("id") on update cascade;`);

    this.addSql(`
create table "listing_occupancy" ("id" uuid not null, "kind" text check ("kind" in ('booking', 'block')) not null,
  "listing_id" uuid not null, "during" daterange not null, constraint "listing_occupancy_pkey" primary key ("id"));`);
    this.addSql(`
alter table listing_occupancy add constraint listing_occupancy_no_overlap exclude using gist (listing_id with =, during with &&);`);
    // The bookings that occupy their dates now (bookings_no_overlap guarantees they do not overlap).
    this.addSql(`
insert into listing_occupancy (id, kind, listing_id, during)
select id, 'booking', listing_id, daterange(check_in, check_out, '[)') from bookings where status in ${ACTIVE};`);

    this.addSql(`
create function bookings_occupy() returns trigger language plpgsql as $fn$
begin
  if tg_op = 'INSERT' then
    insert into listing_occupancy (id, kind, listing_id, during)
    values (new.id, 'booking', new.listing_id, daterange(new.check_in, new.check_out, '[)'));
  elsif tg_op = 'DELETE' or new.status not in ${ACTIVE} then
    delete from listing_occupancy where id = old.id;
  elsif old.status not in ${ACTIVE} then
    insert into listing_occupancy (id, kind, listing_id, during)
    values (new.id, 'booking', new.listing_id, daterange(new.check_in, new.check_out, '[)'));
  else
    update listing_occupancy set listing_id = new.listing_id, during = daterange(new.check_in, new.check_out, '[)')
     where id = new.id;
  end if;
  return null;
end
$fn$;`);
    this.addSql(`
create trigger bookings_occupy_insert after insert on bookings
  for each row when (new.status in ${ACTIVE}) execute function bookings_occupy();`);
    this.addSql(`
create trigger bookings_occupy_delete after delete on bookings
  for each row when (old.status in ${ACTIVE}) execute function bookings_occupy();`);
    this.addSql(`
create trigger bookings_occupy_update after update of status, check_in, check_out, listing_id on bookings
  for each row when ((old.status in ${ACTIVE}) <> (new.status in ${ACTIVE})
    or (new.status in ${ACTIVE} and (old.check_in, old.check_out, old.listing_id)
                                      is distinct from (new.check_in, new.check_out, new.listing_id)))
  execute function bookings_occupy();`);

    this.addSql(`
create function listing_blocks_occupy() returns trigger language plpgsql as $fn$
begin
  if tg_op = 'INSERT' then
    insert into listing_occupancy (id, kind, listing_id, during)
    values (new.id, 'block', new.listing_id, daterange(new.check_in, new.check_out, '[)'));
  elsif tg_op = 'DELETE' then
    delete from listing_occupancy where id = old.id;
  else
    update listing_occupancy set listing_id = new.listing_id, during = daterange(new.check_in, new.check_out, '[)')
     where id = new.id;
  end if;
  return null;
end
$fn$;`);
    this.addSql(`
create trigger listing_blocks_occupy after insert or delete or update of check_in, check_out, listing_id
  on listing_blocks for each row execute function listing_blocks_occupy();`);

    this.addSql(`
create or replace function bookings_guard_overlap() returns trigger language plpgsql as $fn$
begin
  if exists (select 1 from bookings x
              where x.listing_id = new.listing_id and x.id <> new.id
                and x.check_in < new.check_out and x.check_out > new.check_in
                and (x.status || '') in ${ACTIVE}) then
    raise exception using errcode = 'exclusion_violation', constraint = 'bookings_no_overlap',
      message = 'conflicting key value violates exclusion constraint "bookings_no_overlap" (overlap guard)';
  end if;
  if exists (select 1 from listing_blocks k
              where k.listing_id = new.listing_id and k.check_in < new.check_out and k.check_out > new.check_in) then
    raise exception using errcode = 'exclusion_violation', constraint = 'listing_occupancy_no_overlap',
      message = 'conflicting key value violates exclusion constraint "listing_occupancy_no_overlap" (overlap guard)';
  end if;
  return new;
end
$fn$;`);
    this.addSql(`
create function listing_blocks_guard_overlap() returns trigger language plpgsql as $fn$
begin
  if exists (select 1 from bookings x
              where x.listing_id = new.listing_id
                and x.check_in < new.check_out and x.check_out > new.check_in
                and (x.status || '') in ${ACTIVE})
     or exists (select 1 from listing_blocks k
                 where k.listing_id = new.listing_id and k.id <> new.id
                   and k.check_in < new.check_out and k.check_out > new.check_in) then
    raise exception using errcode = 'exclusion_violation', constraint = 'listing_occupancy_no_overlap',
      message = 'conflicting key value violates exclusion constraint "listing_occupancy_no_overlap" (overlap guard)';
  end if;
  return new;
end
$fn$;`);
    this.addSql(`
create trigger listing_blocks_guard_overlap before insert or update of check_in, check_out, listing_id
  on listing_blocks for each row execute function listing_blocks_guard_overlap();`);

    this.addSql(`
create or replace function listing_blocked_json(p_listing_id uuid, p_from date default '-infinity', p_to date default 'infinity')
returns jsonb language plpgsql stable parallel safe as $fn$
begin
  return (select coalesce(jsonb_agg(stay_range_json(s.check_in, s.check_out) order by s.check_in), '[]')
            from (select k.check_in, k.check_out from bookings k
                   where k.listing_id = p_listing_id and booking_blocks_dates(k.status, k.expires_at)
                     and daterange(k.check_in, k.check_out, '[)') && daterange(p_from, p_to, '[)')
                  union all
                  select x.check_in, x.check_out from listing_blocks x
                   where x.listing_id = p_listing_id and x.check_in < p_to and x.check_out > p_from) s);
end
$fn$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`
create or replace function listing_blocked_json(p_listing_id uuid, p_from date default '-infinity', p_to date default 'infinity')
returns jsonb language plpgsql stable parallel safe as $fn$
begin
  return (select coalesce(jsonb_agg(stay_range_json(k.check_in, k.check_out) order by k.check_in), '[]')
            from bookings k
           where k.listing_id = p_listing_id and booking_blocks_dates(k.status, k.expires_at)
             and daterange(k.check_in, k.check_out, '[)') && daterange(p_from, p_to, '[)'));
end
$fn$;`);
    // bookings_guard_overlap() as in migration bookingRules.
    this.addSql(`
create or replace function bookings_guard_overlap() returns trigger language plpgsql as $fn$
begin
  if exists (select 1 from bookings x
              where x.listing_id = new.listing_id and x.id <> new.id
                and x.check_in < new.check_out and x.check_out > new.check_in
                and (x.status || '') in ${ACTIVE}) then
    raise exception using errcode = 'exclusion_violation', constraint = 'bookings_no_overlap',
      message = 'conflicting key value violates exclusion constraint "bookings_no_overlap" (overlap guard)';
  end if;
  return new;
end
$fn$;`);
    this.addSql("drop trigger bookings_occupy_insert on bookings;");
    this.addSql("drop trigger bookings_occupy_delete on bookings;");
    this.addSql("drop trigger bookings_occupy_update on bookings;");
    this.addSql("drop function bookings_occupy();");
    this.addSql("drop table listing_occupancy;");
    this.addSql("drop table listing_blocks;");
    this.addSql("drop function listing_blocks_occupy();");
    this.addSql("drop function listing_blocks_guard_overlap();");
  }
}
