import { randomUUID } from "node:crypto";
import { config } from "../../config.js";
import type { CommandTx } from "../../db/runCommand.js";
import { conflict, validationFailed } from "../../errors.js";
import type { BookingView, StayRange } from "../../events/eventMap.js";
import type { EmailTemplate } from "../../sideEffects/sideEffectMap.js";
import type { Actor } from "../accounts/tokens.js";
import { BLOCKING_BOOKING_SQL } from "./availability.js";
import type { CreateBookingInput } from "./stayInput.js";
import { toBookingView } from "./view.js";

/** The emails a new hold sends, and to whom. */
const HOLD_EMAILS: { template: EmailTemplate; to: "host" | "guest" }[] = [
  { template: "booking_alert_host", to: "host" },
  { template: "booking_held_guest", to: "guest" },
];

/**
 * Booking creation is the hot write path, so it is one statement (one round trip) that:
 * - reads the listing and inserts the hold only if the listing is active, not the actor's own and
 *   large enough, with the price computed from the listing's current price (nights × pricePerNight);
 * - records the hold's emails (the rows `tx.sideEffect` would write: same table, same
 *   `email:<template>:<bookingId>` keys, payload SideEffectMap["email"]) only if the hold was inserted;
 * - returns the listing's blocked stays after the insert for `listing.availability` (blockedRanges
 *   plus the new row, which this statement's own snapshot cannot see yet).
 * The result row carries the listing's facts either way, so a refusal can say why without a second query.
 */
const INSERT_HOLD_SQL = `
  with l as (
    select id, host_id, title, status, max_guests, price_per_night, currency from listings where id = ?
  ), ins as (
    insert into bookings (id, listing_id, guest_id, check_in, check_out, guests, total_price, currency, status, expires_at)
    select ?, l.id, ?, ?::date, ?::date, ?, (l.price_per_night::bigint * (?::date - ?::date))::int, l.currency,
           'pending_payment', now() + make_interval(mins => ?)
      from l where l.status = 'active' and l.host_id <> ? and l.max_guests >= ?
    returning *
  ), emails as (
    insert into side_effects (kind, key, payload)
    select 'email', 'email:' || e.template || ':' || ins.id,
           jsonb_build_object('template', e.template, 'bookingId', ins.id,
                              'recipientUserId', case e.recipient when 'host' then l.host_id else ins.guest_id end)
      from ins, l, jsonb_to_recordset(?::jsonb) as e(template text, recipient text)
    on conflict (key) do nothing
  ), blocked as (
    select b.check_in, b.check_out from bookings b where b.listing_id = (select id from l) and ${BLOCKING_BOOKING_SQL}
    union all
    select ins.check_in, ins.check_out from ins
  )
  select l.host_id, l.status as listing_status, l.max_guests, l.title as listing_title,
         ins.id, ins.listing_id, ins.guest_id, g.name as guest_name,
         to_char(ins.check_in, 'YYYY-MM-DD') as check_in, to_char(ins.check_out, 'YYYY-MM-DD') as check_out,
         ins.guests, ins.total_price, ins.currency, ins.status, ins.expires_at, ins.note, ins.created_at, ins.updated_at,
         (select coalesce(json_agg(json_build_object('checkIn', to_char(k.check_in, 'YYYY-MM-DD'),
                                                     'checkOut', to_char(k.check_out, 'YYYY-MM-DD'))
                                   order by k.check_in), '[]')
            from blocked k) as blocked
    from l left join ins on true left join users g on g.id = ins.guest_id`;

type BookingRow = Parameters<typeof toBookingView>[0];
type ResultRow = Partial<BookingRow> & {
  host_id: string;
  listing_status: string;
  max_guests: number;
  blocked: StayRange[] | string;
};

export type InsertHoldResult =
  | { inserted: true; booking: BookingView; blocked: StayRange[] }
  | { inserted: false; listing: { hostId: string; status: string; maxGuests: number } | null };

/** Tries to insert the hold; 23P01 from the exclusion constraint becomes 409 dates_unavailable. */
export async function insertHold(tx: CommandTx, actor: Actor, input: CreateBookingInput): Promise<InsertHoldResult> {
  let rows: ResultRow[];
  try {
    rows = await tx.em
      .getConnection()
      .execute<ResultRow[]>(
        INSERT_HOLD_SQL,
        [
          input.listingId,
          randomUUID(),
          actor.id,
          input.checkIn,
          input.checkOut,
          input.guests,
          input.checkOut,
          input.checkIn,
          config.BOOKING_HOLD_MINUTES,
          actor.id,
          input.guests,
          JSON.stringify(HOLD_EMAILS.map((e) => ({ template: e.template, recipient: e.to }))),
        ],
        "all",
        tx.em.getTransactionContext(),
      );
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "23P01") throw conflict("dates_unavailable", "Those dates are not available for this listing.");
    // 22003: the total does not fit the price column (absurd price × nights).
    if (code === "22003")
      throw validationFailed([{ path: "checkOut", message: "the stay's total price is too large" }]);
    throw err;
  }
  const row = rows[0];
  if (!row) return { inserted: false, listing: null };
  if (!row.id) {
    return { inserted: false, listing: { hostId: row.host_id, status: row.listing_status, maxGuests: row.max_guests } };
  }
  const blocked = typeof row.blocked === "string" ? (JSON.parse(row.blocked) as StayRange[]) : row.blocked;
  return { inserted: true, booking: toBookingView(row as BookingRow), blocked };
}
