import { randomUUID } from "node:crypto";
import { config } from "../../config.js";
import type { Orm } from "../../db/orm.js";
import type { EmailTemplate } from "../../sideEffects/sideEffectMap.js";
import type { Actor } from "../accounts/tokens.js";
import type { Currency } from "../currency.js";
import type { PriceLine } from "../pricing/priceStay.js";
import { AVAILABILITY_LOCK_NAMESPACE } from "./listingAvailability.js";
import type { CreateBookingInput } from "./stayInput.js";
import type { BookingView, StayRange } from "./view.js";

/** The emails a new hold sends, and to whom. */
const HOLD_EMAILS: { template: EmailTemplate; to: "host" | "guest" }[] = [
  { template: "booking_alert_host", to: "host" },
  { template: "booking_held_guest", to: "guest" },
];
/** The emails a request to book sends instead (a listing in request mode). */
const REQUEST_EMAILS: { template: EmailTemplate; to: "host" | "guest" }[] = [
  { template: "booking_request_host", to: "host" },
  { template: "booking_request_sent_guest", to: "guest" },
];
const emailsJson = (emails: typeof HOLD_EMAILS) =>
  JSON.stringify(emails.map((e) => ({ template: e.template, recipient: e.to })));
const HOLD_EMAILS_JSON = emailsJson(HOLD_EMAILS);
const REQUEST_EMAILS_JSON = emailsJson(REQUEST_EMAILS);

/**
 * Advisory-lock namespace for "the unpaid holds of one user": hold_booking_dates() takes it before
 * the listing's lock, so the count of a user's holds and the insert of a new one are one step.
 */
export const USER_HOLDS_LOCK_NAMESPACE = 7_342;

export type HoldOutcome =
  | { outcome: "held"; booking: BookingView; blocked: StayRange[] }
  | { outcome: "expired_holds_in_the_way" }
  | { outcome: "no_listing" }
  | { outcome: "cooldown"; retryAt: string }
  | { outcome: "too_many_holds"; limit: number }
  | { outcome: "price_changed" }
  | {
      outcome: "refused";
      listing: { hostId: string; status: string; maxGuests: number; minNights: number; maxNights: number };
    };

/**
 * The stay's price, from the pricing function: the lines stored on the booking, their total, and the
 * listing's pricing version they were computed at (null for a signed quote's price, which stands
 * whatever the host changed since). The hold answers `price_changed` when the version (or the
 * listing's currency) moved.
 */
export interface HoldPrice {
  lines: PriceLine[];
  total: number;
  currency: Currency;
  pricingVersion: number | null;
}

/** What hold_booking_dates() returns (its `events`, the outbox rows it wrote, are not read). */
type Row = HoldOutcome;

/**
 * Tries to hold the dates in one statement, committed on its own: hold_booking_dates() (see its
 * migrations: holdBookingDates, bookingReadModel, then holdRules) locks the user's holds and the
 * listing's availability, checks the listing's rules, that the price given is still the listing's
 * (migration pricingAndPhotos), the user's cooldown and hold limit, inserts the
 * hold (or, on a listing in request mode, the request awaiting the host), its emails and its two events. The booking's JSON comes from booking_view() and its blocked
 * stays from booking_blocks_dates() and stay_range_json(), the SQL functions every read uses too.
 * It changes nothing when an expired hold or request is in the way, the listing refuses or a limit applies; the exclusion
 * constraint's 23P01 is thrown as it is (createBooking's door makes it 409 dates_unavailable).
 */
export async function holdBookingDates(
  orm: Orm,
  actor: Actor,
  input: CreateBookingInput,
  price: HoldPrice,
): Promise<HoldOutcome> {
  // Its refusals (23P01: the dates are taken; 22003: the total overflows) are mapped by createBooking's door.
  const [{ hold }] = await orm.em.getConnection().execute<{ hold: Row | string }[]>(
    "select hold_booking_dates(?::uuid, ?::uuid, ?::uuid, ?::date, ?::date, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?) as hold",
    [
      randomUUID(),
      input.listingId,
      actor.id,
      input.checkIn,
      input.checkOut,
      input.guests,
      config.BOOKING_HOLD_MINUTES,
      HOLD_EMAILS_JSON,
      AVAILABILITY_LOCK_NAMESPACE,
      0, // p_event_order_lock: unused since migration eventRelay (its events go to the outbox, lock-free)
      USER_HOLDS_LOCK_NAMESPACE,
      config.MAX_ACTIVE_HOLDS_PER_USER,
      config.HOLD_COOLDOWN_MINUTES,
      config.APPROVAL_HOURS,
      REQUEST_EMAILS_JSON,
      JSON.stringify(price.lines),
      price.total,
      price.currency,
      price.pricingVersion,
    ],
    "all",
  );
  const row = (typeof hold === "string" ? JSON.parse(hold) : hold) as Row;
  if (row.outcome !== "held") return row;
  return { outcome: "held", booking: row.booking, blocked: row.blocked };
}
