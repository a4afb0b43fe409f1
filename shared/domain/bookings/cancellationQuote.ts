import type { EntityManager } from "@mikro-orm/postgresql";
import { z } from "zod";
import { sql } from "../../db/sql.js";
import { conflict, forbidden, notFound, validationFailed } from "../../errors.js";
import type { Actor } from "../accounts/tokens.js";
import { defineQuery } from "../commands/define.js";
import { type Currency, currencySchema } from "../currency.js";
import type { CancellationPolicy } from "../listings/status.js";
import {
  type CancellationRule,
  type Canceller,
  cancellationRuleSchema,
  quoteCancellation,
} from "./cancellationPolicy.js";
import { canCancelBooking } from "./policy.js";
import type { BookingStatus } from "./status.js";
import { assertTransition } from "./statusMachine.js";
import { StayOverError } from "./transitionBooking.js";

/** What a cancellation refunds and why: GET /bookings/:id/cancellation, and the cancel's own answer. */
export const cancellationSchema = z
  .object({
    refund: z.object({ amount: z.int().describe("Minor units"), currency: currencySchema }),
    rule: cancellationRuleSchema,
  })
  .meta({ id: "Cancellation" });
export type Cancellation = z.infer<typeof cancellationSchema>;

/** The booking as a cancellation needs it, read (and locked, for the cancel) in one statement. */
export interface CancellationState {
  id: string;
  status: BookingStatus;
  guest_id: string;
  host_id: string;
  listing_id: string;
  check_in: string;
  total_price: number;
  /** The booking's service_fee price line (0 without one): kept on a guest's cancellation. */
  service_fee: number;
  currency: Currency;
  cancellation_policy: CancellationPolicy;
  time_zone: string;
  /** stay_over(): the check-out day has begun in the listing's time zone. */
  over: boolean;
  /** Succeeded payments not refunded yet (nor being refunded), less what was refunded of them. */
  paid: number;
  /** The database's clock (the transaction's start), the one every date rule here is judged by. */
  now: Date;
}

/** Reads the booking's cancellation state; `forUpdate` locks its row (take the listing's lock first). */
export async function loadCancellationState(
  em: EntityManager,
  bookingId: string,
  options: { forUpdate?: boolean } = {},
): Promise<CancellationState | null> {
  const [row] = await sql(em)<CancellationState>(
    `select b.id, b.status, b.guest_id, l.host_id, b.listing_id, to_char(b.check_in, 'YYYY-MM-DD') as check_in,
            b.total_price, b.currency, l.cancellation_policy, l.time_zone,
            (select coalesce(sum((x->>'amount')::int), 0)::int from jsonb_array_elements(b.price_lines) x
              where x->>'kind' = 'service_fee') as service_fee,
            stay_over(b.check_out, l.time_zone) as over, now() as now,
            (select coalesce(sum(p.amount - p.refunded_amount), 0)::int from payments p
              where p.booking_id = b.id and p.status = 'succeeded' and p.refund_status is null) as paid
       from bookings b join listings l on l.id = b.listing_id
      where b.id = ?${options.forUpdate ? " for update of b" : ""}`,
    [bookingId],
  );
  return row ? { ...row, now: new Date(row.now) } : null;
}

export interface Assessment {
  by: Canceller;
  refund: number;
  rule: CancellationRule;
}

/**
 * Whether `actor` may cancel this booking now and what it would refund, by quoteCancellation(); the
 * quote and the cancel both ask it, so they cannot differ. Throws, in this order: 404 (not theirs to
 * see), 403 (refundAmount from anyone but an admin), 409 invalid_transition (not cancellable; a
 * confirmed stay that is over is StayOverError, completable), 400 (refundAmount above what was paid),
 * 409 stay_started (a guest, once the check-in day of a confirmed stay has begun).
 */
export function assessCancellation(actor: Actor, state: CancellationState | null, refundAmount?: number): Assessment {
  if (!state || !canCancelBooking(actor, { guestId: state.guest_id, hostId: state.host_id })) {
    throw notFound("booking");
  }
  if (refundAmount !== undefined && actor.role !== "admin") {
    throw forbidden("Only an admin may choose the refund (refundAmount).");
  }
  assertTransition(state.status, "cancelled");
  if (state.status === "confirmed" && state.over) throw new StayOverError(true);
  if (refundAmount !== undefined && refundAmount > state.paid) {
    throw validationFailed([
      { path: "refundAmount", message: `must be at most ${state.paid}, what was paid (minor units)` },
    ]);
  }
  // An admin choosing the refund acts as an admin, even on a stay of their own.
  const by: Canceller =
    refundAmount !== undefined
      ? "admin"
      : actor.id === state.guest_id
        ? "guest"
        : actor.id === state.host_id
          ? "host"
          : "admin";
  const quote = quoteCancellation({
    policy: state.cancellation_policy,
    stay: { checkIn: state.check_in, totalPrice: state.total_price, serviceFee: state.service_fee },
    timeZone: state.time_zone,
    paid: state.paid,
    now: state.now,
    by,
    confirmed: state.status === "confirmed",
    refundAmount,
  });
  if (!quote.allowed) {
    throw conflict(
      "stay_started",
      `The stay has started (its check-in day began at ${quote.checkInStartsAt}): a guest can no longer cancel it; ask the host.`,
    );
  }
  return { by, refund: quote.refund, rule: quote.rule };
}

/** GET /bookings/:id/cancellation: what cancelling now would refund the caller's way, and the rule. */
export const cancellationQuote = defineQuery({
  name: "bookings.cancellationQuote",
  input: z.object({ bookingId: z.guid() }),
  async run({ actor, input, em }): Promise<Cancellation> {
    const state = await loadCancellationState(em, input.bookingId);
    const { refund, rule } = assessCancellation(actor, state);
    return { refund: { amount: refund, currency: state!.currency }, rule };
  },
});
