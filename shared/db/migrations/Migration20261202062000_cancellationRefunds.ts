import { Migration } from "@mikro-orm/migrations";

/**
 * Issue 14 (cancellation policies, stays that start and end, refunds at the provider):
 * - bookings.cancelled_by (guest | host | admin | provider) and bookings.refund_amount: who cancelled
 *   and what the cancellation refunds (minor units; shared/domain/bookings/cancellationPolicy.ts);
 * - payments.refunded_amount: how much of the payment has gone back to the guest (a partial refund
 *   keeps the payment `succeeded`; a full one makes it `refunded`), and payments.refund_checked_at: when
 *   reconciliation last asked Chapa whether a paid payment was refunded on its side;
 * - stay_over(check_out, time_zone): the check-out day has begun in the listing's time zone. The
 *   completion sweep and every booking transition ask it (an inlined SQL expression);
 * - booking_view() recreated with cancelledBy and refundAmount (BookingView, test/shapes.test.ts).
 */
export class Migration20261202062000_cancellationRefunds extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table bookings
  add column cancelled_by text null check (cancelled_by in ('guest', 'host', 'admin', 'provider')),
  add column refund_amount int null check (refund_amount >= 0);`);
    this.addSql(`
alter table payments
  add column refunded_amount int not null default 0,
  add column refund_checked_at timestamptz null,
  add constraint payments_refunded_amount_check check (refunded_amount >= 0 and refunded_amount <= amount);`);
    this.addSql(`
create function stay_over(check_out date, time_zone text) returns boolean
  language sql stable parallel safe as $$ select (now() at time zone time_zone)::date >= check_out $$;`);
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
  }

  override async down(): Promise<void> {
    // booking_view() as in migration bookingRules.
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
    this.addSql("drop function stay_over(date, text);");
    this.addSql(
      "alter table payments drop constraint payments_refunded_amount_check, drop column refund_checked_at, drop column refunded_amount;",
    );
    this.addSql("alter table bookings drop column refund_amount, drop column cancelled_by;");
  }
}
