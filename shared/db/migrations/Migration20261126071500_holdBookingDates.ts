import { Migration } from "@mikro-orm/migrations";

/**
 * hold_booking_dates(): booking creation, the hot write path, as one statement, so a hold costs one
 * round trip and one implicit transaction instead of BEGIN, four statements and COMMIT (booking
 * creation went from about 320 to about 900 requests/s on the 2-core dev machine, `npm run bench:http`).
 * It does what createBooking did statement by statement, in the same order and under the same locks:
 *   1. the listing's availability lock (namespace passed in: listingAvailability.ts owns it);
 *   2. if an expired but unswept hold overlaps the stay, it changes nothing and answers
 *      'expired_holds_in_the_way' (createBooking expires them in TypeScript, with their events, and calls again);
 *   3. the listing must be active, not the guest's own and large enough, else 'refused' with its facts
 *      ('no_listing' when there is none);
 *   4. the hold is inserted with its price (nights × price per night); the exclusion constraint
 *      decides conflicts (23P01 reaches the caller);
 *   5. its emails go to side_effects (the rows recordSideEffect writes);
 *   6. booking.created (to the host) and listing.availability are inserted under the event-order lock
 *      (key passed in: record.ts owns it), last, so the lock is held only until the commit; their rows
 *      come back as the relay reads them (rowToPublishable).
 * The booking's JSON is BookingView (toBookingView in view.ts) and "blocking" is BLOCKING_BOOKING_SQL
 * (availability.ts); a test holds the three equal. PL/pgSQL runs each statement on a fresh snapshot,
 * so the blocked dates read after the lock include every booking committed before it was granted.
 */
export class Migration20261126071500_holdBookingDates extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create function hold_booking_dates(
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
  if exists (select 1 from bookings x
              where x.listing_id = p_listing_id and x.status = 'pending_payment' and x.expires_at <= now()
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
          (l.price_per_night::bigint * (p_check_out - p_check_in))::int, l.currency,
          'pending_payment', now() + make_interval(mins => p_hold_minutes))
  returning * into b;

  insert into side_effects (kind, key, payload)
  select 'email', 'email:' || e.template || ':' || b.id,
         jsonb_build_object('template', e.template, 'bookingId', b.id,
                            'recipientUserId', case e.recipient when 'host' then l.host_id else b.guest_id end)
    from jsonb_to_recordset(p_emails) as e(template text, recipient text)
  on conflict (key) do nothing;

  select coalesce(jsonb_agg(jsonb_build_object('checkIn', to_char(k.check_in, 'YYYY-MM-DD'),
                                               'checkOut', to_char(k.check_out, 'YYYY-MM-DD'))
                            order by k.check_in), '[]')
    into v_blocked
    from bookings k
   where k.listing_id = p_listing_id
     and (k.status = 'confirmed' or (k.status = 'pending_payment' and k.expires_at > now()));

  v_view := jsonb_build_object(
    'id', b.id, 'listingId', b.listing_id, 'listingTitle', l.title,
    'guestId', b.guest_id, 'guestName', (select u.name from users u where u.id = b.guest_id), 'hostId', l.host_id,
    'checkIn', to_char(b.check_in, 'YYYY-MM-DD'), 'checkOut', to_char(b.check_out, 'YYYY-MM-DD'),
    'nights', b.check_out - b.check_in, 'guests', b.guests, 'totalPrice', b.total_price, 'currency', b.currency,
    'status', b.status, 'expiresAt', to_char(b.expires_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'note', b.note,
    'createdAt', to_char(b.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'updatedAt', to_char(b.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'));

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
    this.addSql(
      "drop function if exists hold_booking_dates(uuid, uuid, uuid, date, date, int, int, jsonb, int, bigint);",
    );
  }
}
