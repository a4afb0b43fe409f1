import { Migration } from "@mikro-orm/migrations";

/**
 * Issue 14 (booking rules), the shared ground:
 * - listings get the host's rules: cancellation_policy, booking_mode, min_nights/max_nights and the
 *   IANA time_zone their calendar is in;
 * - bookings get two statuses: pending_approval (a request to book, holding its dates until the host
 *   answers or expires_at, its approval deadline, passes) and declined. A request is active: the
 *   exclusion constraint, the overlap guard and booking_blocks_dates() count it like a hold;
 * - listing_blocked_json(listing): the listing's blocked stays as availability shows them, written
 *   once for hold_booking_dates(), blockedRanges() and every listing.availability event. It is
 *   plpgsql so its plan is cached per connection (an SQL function with a FROM clause is re-planned
 *   on every call). hold_booking_dates() moves to it in migration holdRules, which recreates it anyway.
 */
export class Migration20261202060000_bookingRules extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table listings
  add column cancellation_policy text not null default 'moderate'
    check (cancellation_policy in ('flexible', 'moderate', 'strict')),
  add column booking_mode text not null default 'instant' check (booking_mode in ('instant', 'request')),
  add column min_nights int not null default 1,
  add column max_nights int not null default 365,
  add column time_zone varchar(64) not null default 'UTC',
  add constraint listings_nights_check check (min_nights >= 1 and max_nights >= min_nights);`);

    this.addSql(`alter table bookings drop constraint bookings_status_check;`);
    this.addSql(`
alter table bookings add constraint bookings_status_check check (status in
  ('pending_approval', 'pending_payment', 'confirmed', 'completed', 'expired', 'cancelled', 'declined'));`);
    this.addSql(`alter table bookings drop constraint bookings_no_overlap;`);
    this.addSql(`
alter table bookings add constraint bookings_no_overlap exclude using gist
  (listing_id with =, daterange(check_in, check_out, '[)') with &&)
  where (status in ('pending_approval', 'pending_payment', 'confirmed'));`);
    this.addSql(`
create or replace function bookings_guard_overlap() returns trigger language plpgsql as $fn$
begin
  if exists (select 1 from bookings x
              where x.listing_id = new.listing_id and x.id <> new.id
                and x.check_in < new.check_out and x.check_out > new.check_in
                and (x.status || '') in ('pending_approval', 'pending_payment', 'confirmed')) then
    raise exception using errcode = 'exclusion_violation', constraint = 'bookings_no_overlap',
      message = 'conflicting key value violates exclusion constraint "bookings_no_overlap" (overlap guard)';
  end if;
  return new;
end
$fn$;`);
    this.addSql(`drop trigger bookings_guard_overlap on bookings;`);
    this.addSql(`
create trigger bookings_guard_overlap before insert or update of status, check_in, check_out, listing_id on bookings
  for each row when (new.status in ('pending_approval', 'pending_payment', 'confirmed'))
  execute function bookings_guard_overlap();`);

    this.addSql(`
create or replace function booking_blocks_dates(status text, expires_at timestamptz) returns boolean
  language sql stable parallel safe as
  $$ select status = 'confirmed' or (status in ('pending_payment', 'pending_approval') and expires_at > now()) $$;`);
    this.addSql(`
create or replace function booking_view(b bookings, listing_title text, host_id uuid, guest_name text) returns jsonb
  language sql stable parallel safe as $$
  select jsonb_build_object(
    'id', b.id, 'listingId', b.listing_id, 'listingTitle', listing_title,
    'guestId', b.guest_id, 'guestName', guest_name, 'hostId', host_id,
    'checkIn', to_char(b.check_in, 'YYYY-MM-DD'), 'checkOut', to_char(b.check_out, 'YYYY-MM-DD'),
    'nights', stay_nights(b.check_in, b.check_out), 'guests', b.guests, 'totalPrice', b.total_price,
    'currency', b.currency, 'status', b.status,
    'expiresAt', case when b.status in ('pending_payment', 'pending_approval') then utc_iso(b.expires_at) end,
    'note', b.note, 'createdAt', utc_iso(b.created_at), 'updatedAt', utc_iso(b.updated_at))
$$;`);
    this.addSql(`
create function listing_blocked_json(p_listing_id uuid, p_from date default '-infinity', p_to date default 'infinity')
returns jsonb language plpgsql stable parallel safe as $fn$
begin
  return (select coalesce(jsonb_agg(stay_range_json(k.check_in, k.check_out) order by k.check_in), '[]')
            from bookings k
           where k.listing_id = p_listing_id and booking_blocks_dates(k.status, k.expires_at)
             and daterange(k.check_in, k.check_out, '[)') && daterange(p_from, p_to, '[)'));
end
$fn$;`);
  }

  override async down(): Promise<void> {
    // booking_view() comes back by re-running migration bookingReadModel's body.
    this.addSql(`drop function listing_blocked_json(uuid, date, date);`);
    this.addSql(`
create or replace function booking_blocks_dates(status text, expires_at timestamptz) returns boolean
  language sql stable parallel safe as
  $$ select status = 'confirmed' or (status = 'pending_payment' and expires_at > now()) $$;`);
    this.addSql(`alter table bookings drop constraint bookings_no_overlap;`);
    this.addSql(`
alter table bookings add constraint bookings_no_overlap exclude using gist
  (listing_id with =, daterange(check_in, check_out, '[)') with &&) where (status in ('pending_payment', 'confirmed'));`);
    this.addSql(`alter table bookings drop constraint bookings_status_check;`);
    this.addSql(`
alter table bookings add constraint bookings_status_check check (status in
  ('pending_payment', 'confirmed', 'completed', 'expired', 'cancelled'));`);
    this.addSql(`
alter table listings drop constraint listings_nights_check, drop column time_zone, drop column max_nights,
  drop column min_nights, drop column booking_mode, drop column cancellation_policy;`);
  }
}
