import { Migration } from "@mikro-orm/migrations";

/** hold_booking_dates() from here on (see the class comment). */
const HOLD_BOOKING_DATES = `
create function hold_booking_dates(
  p_booking_id uuid, p_listing_id uuid, p_guest_id uuid, p_check_in date, p_check_out date, p_guests int,
  p_hold_minutes int, p_emails jsonb, p_listing_lock_namespace int, p_event_order_lock bigint,
  p_user_lock_namespace int, p_max_holds int, p_cooldown_minutes int, p_approval_hours int, p_request_emails jsonb,
  p_price_lines jsonb, p_total int, p_currency text, p_pricing_version int)
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

  select id, host_id, title, status, max_guests, currency, booking_mode, min_nights, max_nights, pricing_version
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

  -- The price was computed from the listing's rules as they were (pricing version p_pricing_version), or
  -- comes from a signed quote (p_pricing_version null: it stands whatever the host changed since, but
  -- never in another currency).
  if l.currency <> p_currency or (p_pricing_version is not null and l.pricing_version <> p_pricing_version) then
    return jsonb_build_object('outcome', 'price_changed');
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

  insert into bookings (id, listing_id, guest_id, check_in, check_out, guests, total_price, price_lines, currency, status, expires_at)
  values (p_booking_id, p_listing_id, p_guest_id, p_check_in, p_check_out, p_guests,
          p_total, p_price_lines, l.currency,
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

  with written as (
    insert into event_outbox (type, user_ids, listing_id, data)
    values ('booking.created', array[l.host_id], null, v_view),
           ('listing.availability', '{}', b.listing_id,
            jsonb_build_object('listingId', b.listing_id, 'blocked', v_blocked))
    returning id, type, user_ids, listing_id, data, created_at
  )
  select jsonb_agg(to_jsonb(written) order by id) into v_events from written;

  return jsonb_build_object('outcome', 'held', 'booking', v_view, 'blocked', v_blocked, 'events', v_events);
end
$fn$;`;

/** The function as migrations holdRules and eventRelay left it: this one's edits undone. */
const PREVIOUS_HOLD_BOOKING_DATES = [
  [
    `,
  p_price_lines jsonb, p_total int, p_currency text, p_pricing_version int)`,
    ")",
  ],
  ["max_nights, pricing_version\n", "max_nights\n"],
  [
    "select id, host_id, title, status, max_guests, currency,",
    "select id, host_id, title, status, max_guests, price_per_night, currency,",
  ],
  ["total_price, price_lines, currency,", "total_price, currency,"],
  ["p_total, p_price_lines, l.currency,", "stay_total(l.price_per_night, p_check_in, p_check_out), l.currency,"],
].reduce(
  (text, [now, before]) => text.replace(now, before),
  HOLD_BOOKING_DATES.replace(/ {2}-- The price was computed[\s\S]*?end if;\n\n/, ""),
);

/**
 * Issue 20, prices and photos.
 *
 * listings.pricing: the host's price rules besides the base price (weekend price, seasonal overrides,
 * cleaning and extra-guest fees, weekly and monthly discounts), one jsonb document validated by
 * pricingRulesSchema (shared/domain/pricing/rules.ts) on every write; '{}' is "base price only".
 * listings.pricing_version: bumped by a trigger whenever something a price depends on changes
 * (price_per_night, currency, pricing), whoever writes it. A booking made without a quote token is
 * priced in TypeScript from the rules it read, and hold_booking_dates() refuses it ('price_changed',
 * retried by createBooking) if the version moved in between, so it is never priced with stale rules.
 *
 * The price rules live in ONE place, the TypeScript pricing function (priceStay.ts): the hold is
 * given the lines and their total and stores them; SQL does no arithmetic on prices any more
 * (stay_total() is no longer called by it).
 *
 * bookings.price_lines: the lines a booking was priced with ([{kind, label, nights?, amount}]), whose
 * sum is total_price (bookings_price_lines_total_check cannot be written without a subquery: the
 * pricing test checks it on every booking it makes). Existing bookings get one "nights" line of their
 * total. booking_view() shows them (priceLines).
 *
 * hold_booking_dates(): holdRules' function as eventRelay edited it (events to the outbox, no lock),
 * with four more parameters: p_price_lines, p_total, p_currency and p_pricing_version (null when the
 * price comes from a signed quote, which stands whatever the host changed since, in the same
 * currency). It is written out whole here rather than edited in place: its signature changes.
 *
 * listing_photos: a listing's photos in their order (position, unique per listing, deferred so a
 * reorder can swap positions in one statement), each with its three stored sizes (storage keys, named
 * by content hash) and the large size's dimensions.
 */
export class Migration20261204300000_pricingAndPhotos extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table listings
  add column pricing jsonb not null default '{}',
  add column pricing_version int not null default 0;`);
    this.addSql(`
create function listings_pricing_version() returns trigger language plpgsql as $fn$
begin
  new.pricing_version := old.pricing_version + 1;
  return new;
end
$fn$;`);
    this.addSql(`
create trigger listings_pricing_version before update of price_per_night, currency, pricing on listings
  for each row when ((old.price_per_night, old.currency, old.pricing) is distinct from (new.price_per_night, new.currency, new.pricing))
  execute function listings_pricing_version();`);

    this.addSql(`alter table bookings add column price_lines jsonb not null default '[]';`);
    this.addSql(`
update bookings set price_lines = jsonb_build_array(jsonb_build_object(
  'kind', 'nights', 'label', stay_nights(check_in, check_out) || case when stay_nights(check_in, check_out) = 1 then ' night' else ' nights' end,
  'nights', stay_nights(check_in, check_out), 'amount', total_price));`);
    this.addSql(`
create or replace function booking_view(b bookings, listing_title text, host_id uuid, guest_name text) returns jsonb
  language sql stable parallel safe as $$
  select jsonb_build_object(
    'id', b.id, 'listingId', b.listing_id, 'listingTitle', listing_title,
    'guestId', b.guest_id, 'guestName', guest_name, 'hostId', host_id,
    'checkIn', to_char(b.check_in, 'YYYY-MM-DD'), 'checkOut', to_char(b.check_out, 'YYYY-MM-DD'),
    'nights', stay_nights(b.check_in, b.check_out), 'guests', b.guests, 'totalPrice', b.total_price,
    'priceLines', b.price_lines, 'currency', b.currency, 'status', b.status,
    'expiresAt', case when b.status in ('pending_payment', 'pending_approval') then utc_iso(b.expires_at) end,
    'note', b.note, 'cancelledBy', b.cancelled_by, 'refundAmount', b.refund_amount,
    'createdAt', utc_iso(b.created_at), 'updatedAt', utc_iso(b.updated_at))
$$;`);

    this.addSql(`
create table listing_photos (
  id uuid not null default gen_random_uuid(), listing_id uuid not null, position int not null,
  width int not null, height int not null, sizes jsonb not null, created_at timestamptz not null default now(),
  constraint listing_photos_pkey primary key (id),
  constraint listing_photos_position_key unique (listing_id, position) deferrable initially deferred);`);
    this.addSql(`
alter table listing_photos add constraint listing_photos_listing_id_foreign
  foreign key (listing_id) references listings (id) on update cascade;`);

    this.addSql(
      "drop function hold_booking_dates(uuid, uuid, uuid, date, date, int, int, jsonb, int, bigint, int, int, int, int, jsonb);",
    );
    this.addSql(HOLD_BOOKING_DATES);
  }

  override async down(): Promise<void> {
    this.addSql(
      "drop function hold_booking_dates(uuid, uuid, uuid, date, date, int, int, jsonb, int, bigint, int, int, int, int, jsonb, jsonb, int, text, int);",
    );
    this.addSql(PREVIOUS_HOLD_BOOKING_DATES);
    this.addSql("drop table listing_photos;");
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
    'note', b.note, 'cancelledBy', b.cancelled_by, 'refundAmount', b.refund_amount,
    'createdAt', utc_iso(b.created_at), 'updatedAt', utc_iso(b.updated_at))
$$;`);
    this.addSql("alter table bookings drop column price_lines;");
    this.addSql("drop trigger listings_pricing_version on listings;");
    this.addSql("drop function listings_pricing_version();");
    this.addSql("alter table listings drop column pricing_version, drop column pricing;");
  }
}
