import { Migration } from "@mikro-orm/migrations";

/**
 * The booking read model and its rules, each written once, in SQL, for every query to call:
 *   - stay_nights(check_in, check_out) and stay_total(price_per_night, check_in, check_out): a
 *     stay's nights and its price (nights × price per night; 22003 when it does not fit an int);
 *   - booking_blocks_dates(status, expires_at): confirmed, or a hold that has not expired yet. It
 *     reads now(), so it is STABLE; availability, search, transitions and the hold all call it;
 *   - booking_view(b, listing_title, host_id, guest_name): a booking as users see it (BookingView,
 *     shared/domain/bookings/view.ts); the caller passes the listing's and the guest's fields it
 *     already has, so the hold does not read them twice;
 *   - stay_range_json(check_in, check_out): one blocked stay as the availability endpoint and the
 *     listing.availability event show it (blockedRanges() in availability.ts reads them the same way).
 * Each is a single SQL expression, which PostgreSQL inlines into the calling query: no call
 * overhead, the indexes on status and expires_at still usable, and hold_booking_dates() runs the
 * very plans it ran before. (utc_iso() and the JSON builders are STABLE, not IMMUTABLE, because
 * to_char() is: a function declared less volatile than its body is never inlined. A function with
 * a FROM clause is not inlined and is re-planned on every call, which is why the blocked stays'
 * query stays written in its two callers rather than in a function.)
 *
 * hold_booking_dates() is recreated to use them; it does the same work in the same order as before
 * (see Migration20261126071500_holdBookingDates for why it is one statement).
 *
 * Why the exclusion constraint bookings_no_overlap and the trigger bookings_guard_overlap keep
 * their own predicate `status in ('pending_payment', 'confirmed')` (ACTIVE_BOOKING_STATUSES): an
 * index predicate must be IMMUTABLE, and booking_blocks_dates() depends on the clock. They are
 * deliberately wider: a lapsed hold stays in the index until it is swept (hold_booking_dates()
 * answers 'expired_holds_in_the_way' for those). test/shapes.test.ts checks that both predicates
 * list ACTIVE_BOOKING_STATUSES and that whatever blocks its dates is active.
 */
export class Migration20261202013000_bookingReadModel extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create function stay_nights(check_in date, check_out date) returns int
  language sql immutable parallel safe as $$ select check_out - check_in $$;`);
    this.addSql(`
create function stay_total(price_per_night int, check_in date, check_out date) returns int
  language sql immutable parallel safe as $$ select (price_per_night::bigint * stay_nights(check_in, check_out))::int $$;`);
    this.addSql(`
create function booking_blocks_dates(status text, expires_at timestamptz) returns boolean
  language sql stable parallel safe as
  $$ select status = 'confirmed' or (status = 'pending_payment' and expires_at > now()) $$;`);
    this.addSql(`
create function stay_range_json(check_in date, check_out date) returns jsonb
  language sql stable parallel safe as
  $$ select jsonb_build_object('checkIn', to_char(check_in, 'YYYY-MM-DD'), 'checkOut', to_char(check_out, 'YYYY-MM-DD')) $$;`);
    this.addSql(`
create function utc_iso(t timestamptz) returns text
  language sql stable parallel safe as $$ select to_char(t at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;`);
    this.addSql(`
create function booking_view(b bookings, listing_title text, host_id uuid, guest_name text) returns jsonb
  language sql stable parallel safe as $$
  select jsonb_build_object(
    'id', b.id, 'listingId', b.listing_id, 'listingTitle', listing_title,
    'guestId', b.guest_id, 'guestName', guest_name, 'hostId', host_id,
    'checkIn', to_char(b.check_in, 'YYYY-MM-DD'), 'checkOut', to_char(b.check_out, 'YYYY-MM-DD'),
    'nights', stay_nights(b.check_in, b.check_out), 'guests', b.guests, 'totalPrice', b.total_price,
    'currency', b.currency, 'status', b.status,
    'expiresAt', case when b.status = 'pending_payment' then utc_iso(b.expires_at) end,
    'note', b.note, 'createdAt', utc_iso(b.created_at), 'updatedAt', utc_iso(b.updated_at))
$$;`);
    this.addSql(`
create or replace function hold_booking_dates(
  p_booking_id uuid, p_listing_id uuid, p_guest_id uuid, p_check_in date, p_check_out date, p_guests int,
  p_hold_minutes int, p_emails jsonb, p_listing_lock_namespace int, p_event_order_lock bigint)
returns jsonb language plpgsql as $fn$
declare
  l record;
  b bookings;
  v_blocked jsonb;
  v_view jsonb;
  v_events jsonb;
begin
  perform pg_advisory_xact_lock(p_listing_lock_namespace, hashtext(p_listing_id::text));
  -- A lapsed hold: in the exclusion constraint's way (status pending_payment) but no longer blocking.
  if exists (select 1 from bookings x
              where x.listing_id = p_listing_id and x.status = 'pending_payment'
                and not booking_blocks_dates(x.status, x.expires_at)
                and daterange(x.check_in, x.check_out, '[)') && daterange(p_check_in, p_check_out, '[)')) then
    return jsonb_build_object('outcome', 'expired_holds_in_the_way');
  end if;

  select id, host_id, title, status, max_guests, price_per_night, currency into l
    from listings where id = p_listing_id;
  if not found then
    return jsonb_build_object('outcome', 'no_listing');
  end if;
  if l.status <> 'active' or l.host_id = p_guest_id or l.max_guests < p_guests then
    return jsonb_build_object('outcome', 'refused', 'listing',
      jsonb_build_object('hostId', l.host_id, 'status', l.status, 'maxGuests', l.max_guests));
  end if;

  insert into bookings (id, listing_id, guest_id, check_in, check_out, guests, total_price, currency, status, expires_at)
  values (p_booking_id, p_listing_id, p_guest_id, p_check_in, p_check_out, p_guests,
          stay_total(l.price_per_night, p_check_in, p_check_out), l.currency,
          'pending_payment', now() + make_interval(mins => p_hold_minutes))
  returning * into b;

  insert into side_effects (kind, key, payload)
  select 'email', 'email:' || e.template || ':' || b.id,
         jsonb_build_object('template', e.template, 'bookingId', b.id,
                            'recipientUserId', case e.recipient when 'host' then l.host_id else b.guest_id end)
    from jsonb_to_recordset(p_emails) as e(template text, recipient text)
  on conflict (key) do nothing;

  select coalesce(jsonb_agg(stay_range_json(k.check_in, k.check_out) order by k.check_in), '[]')
    into v_blocked
    from bookings k
   where k.listing_id = p_listing_id and booking_blocks_dates(k.status, k.expires_at);
  v_view := booking_view(b, l.title, l.host_id, (select u.name from users u where u.id = b.guest_id));

  perform pg_advisory_xact_lock(p_event_order_lock);
  with written as (
    insert into events (type, user_ids, listing_id, data)
    values ('booking.created', array[l.host_id], null, v_view),
           ('listing.availability', '{}', b.listing_id,
            jsonb_build_object('listingId', b.listing_id, 'blocked', v_blocked))
    returning id, type, user_ids, listing_id, data, created_at
  )
  select jsonb_agg(to_jsonb(written) order by id) into v_events from written;

  return jsonb_build_object('outcome', 'held', 'booking', v_view, 'blocked', v_blocked, 'events', v_events);
end
$fn$;`);
  }

  override async down(): Promise<void> {
    // The previous hold_booking_dates() comes back by re-running its own migration's body.
    this.addSql(
      "drop function if exists hold_booking_dates(uuid, uuid, uuid, date, date, int, int, jsonb, int, bigint);",
    );
    this.addSql("drop function booking_view(bookings, text, uuid, text);");
    this.addSql("drop function utc_iso(timestamptz);");
    this.addSql("drop function stay_range_json(date, date);");
    this.addSql("drop function booking_blocks_dates(text, timestamptz);");
    this.addSql("drop function stay_total(int, date, date);");
    this.addSql("drop function stay_nights(date, date);");
  }
}
