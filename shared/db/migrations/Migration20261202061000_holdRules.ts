import { Migration } from "@mikro-orm/migrations";

/**
 * Issue 14, hold limits and requests to book, enforced where a hold is made: hold_booking_dates(),
 * still one statement (see Migration20261126071500_holdBookingDates for why), now also
 *   - taking a per-user advisory lock BEFORE the listing's, so counting the user's unpaid holds and
 *     inserting the new one cannot interleave with the same user's other holds (two parallel holds on
 *     different listings would otherwise both count 2 and both pass). Lock order is always
 *     user → listing → event order; nothing else takes the user lock, so no cycle is possible;
 *   - refusing stays outside the listing's min_nights..max_nights ('refused' with the listing's rules);
 *   - 'cooldown' when the user's unpaid hold on this listing ended without payment less than
 *     p_cooldown_minutes ago (lapsed, swept or not, or cancelled), with the moment they may try again;
 *   - 'too_many_holds' when the user already has p_max_holds unpaid holds plus pending requests that
 *     still block their dates (paid, confirmed and lapsed ones do not count);
 *   - on a listing in request mode, inserting a pending_approval booking whose expires_at is the
 *     host's deadline (p_approval_hours), with the request's emails instead of the hold's;
 *   - answering 'expired_holds_in_the_way' for a lapsed request too (createBooking declines it).
 *
 * bookings.hold_ended_at: when an unpaid hold (pending_payment) ended without payment, lapsed or
 * cancelled. A trigger sets it on that status change (whoever makes it: the sweep, createBooking's
 * retry, a cancel), to the hold's deadline if it had already passed, so the cooldown is measured from
 * when the hold really ended, not from when the sweep noticed. A hold that lapsed but is not swept
 * yet is recognised by its status and expires_at. bookings_guest_unpaid_idx serves both the count
 * and the cooldown lookup (a user's few unpaid or ended holds, per listing).
 */
export class Migration20261202061000_holdRules extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "bookings" add column "hold_ended_at" timestamptz null;`);
    this.addSql(`
create function bookings_hold_ended_at() returns trigger language plpgsql as $fn$
begin
  new.hold_ended_at := least(now(), old.expires_at);
  return new;
end
$fn$;`);
    this.addSql(`
create trigger bookings_hold_ended_at before update of status on bookings
  for each row when (old.status = 'pending_payment' and new.status in ('expired', 'cancelled'))
  execute function bookings_hold_ended_at();`);
    this.addSql(`
create index bookings_guest_unpaid_idx on bookings (guest_id, listing_id)
  where status in ('pending_approval', 'pending_payment') or hold_ended_at is not null;`);

    this.addSql("drop function hold_booking_dates(uuid, uuid, uuid, date, date, int, int, jsonb, int, bigint);");
    this.addSql(`
create function hold_booking_dates(
  p_booking_id uuid, p_listing_id uuid, p_guest_id uuid, p_check_in date, p_check_out date, p_guests int,
  p_hold_minutes int, p_emails jsonb, p_listing_lock_namespace int, p_event_order_lock bigint,
  p_user_lock_namespace int, p_max_holds int, p_cooldown_minutes int, p_approval_hours int, p_request_emails jsonb)
returns jsonb language plpgsql as $fn$
declare
  l record;
  b bookings;
  v_ended timestamptz;
  v_active int;
  v_blocked jsonb;
  v_view jsonb;
  v_events jsonb;
begin
  perform pg_advisory_xact_lock(p_user_lock_namespace, hashtext(p_guest_id::text));
  perform pg_advisory_xact_lock(p_listing_lock_namespace, hashtext(p_listing_id::text));
  -- A lapsed hold or request: in the exclusion constraint's way but no longer blocking.
  if exists (select 1 from bookings x
              where x.listing_id = p_listing_id and x.status in ('pending_payment', 'pending_approval')
                and not booking_blocks_dates(x.status, x.expires_at)
                and daterange(x.check_in, x.check_out, '[)') && daterange(p_check_in, p_check_out, '[)')) then
    return jsonb_build_object('outcome', 'expired_holds_in_the_way');
  end if;

  select id, host_id, title, status, max_guests, price_per_night, currency, booking_mode, min_nights, max_nights
    into l from listings where id = p_listing_id;
  if not found then
    return jsonb_build_object('outcome', 'no_listing');
  end if;
  if l.status <> 'active' or l.host_id = p_guest_id or l.max_guests < p_guests
     or stay_nights(p_check_in, p_check_out) not between l.min_nights and l.max_nights then
    return jsonb_build_object('outcome', 'refused', 'listing',
      jsonb_build_object('hostId', l.host_id, 'status', l.status, 'maxGuests', l.max_guests,
                         'minNights', l.min_nights, 'maxNights', l.max_nights));
  end if;

  if p_cooldown_minutes > 0 then
    select max(coalesce(x.hold_ended_at, x.expires_at)) into v_ended
      from bookings x
     where x.guest_id = p_guest_id and x.listing_id = p_listing_id
       and (x.status in ('pending_approval', 'pending_payment') or x.hold_ended_at is not null)
       and (x.hold_ended_at > now() - make_interval(mins => p_cooldown_minutes)
            or (x.status = 'pending_payment' and x.expires_at <= now()
                and x.expires_at > now() - make_interval(mins => p_cooldown_minutes)));
    if v_ended is not null then
      return jsonb_build_object('outcome', 'cooldown',
        'retryAt', utc_iso(v_ended + make_interval(mins => p_cooldown_minutes)));
    end if;
  end if;

  select count(*) into v_active
    from bookings x
   where x.guest_id = p_guest_id and x.status in ('pending_approval', 'pending_payment') and x.expires_at > now();
  if v_active >= p_max_holds then
    return jsonb_build_object('outcome', 'too_many_holds', 'limit', p_max_holds);
  end if;

  insert into bookings (id, listing_id, guest_id, check_in, check_out, guests, total_price, currency, status, expires_at)
  values (p_booking_id, p_listing_id, p_guest_id, p_check_in, p_check_out, p_guests,
          stay_total(l.price_per_night, p_check_in, p_check_out), l.currency,
          case l.booking_mode when 'request' then 'pending_approval' else 'pending_payment' end,
          now() + case l.booking_mode when 'request' then make_interval(hours => p_approval_hours)
                                      else make_interval(mins => p_hold_minutes) end)
  returning * into b;

  insert into side_effects (kind, key, payload)
  select 'email', 'email:' || e.template || ':' || b.id,
         jsonb_build_object('template', e.template, 'bookingId', b.id,
                            'recipientUserId', case e.recipient when 'host' then l.host_id else b.guest_id end)
    from jsonb_to_recordset(case l.booking_mode when 'request' then p_request_emails else p_emails end)
         as e(template text, recipient text)
  on conflict (key) do nothing;

  v_blocked := listing_blocked_json(p_listing_id);
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
    // The previous hold_booking_dates() comes back by re-running migration bookingReadModel's body.
    this.addSql(
      "drop function hold_booking_dates(uuid, uuid, uuid, date, date, int, int, jsonb, int, bigint, int, int, int, int, jsonb);",
    );
    this.addSql(`drop index bookings_guest_unpaid_idx;`);
    this.addSql(`drop trigger bookings_hold_ended_at on bookings;`);
    this.addSql(`drop function bookings_hold_ended_at();`);
    this.addSql(`alter table "bookings" drop column "hold_ended_at";`);
  }
}
