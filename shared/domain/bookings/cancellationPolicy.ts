import { z } from "zod";
import { type CancellationPolicy, cancellationPolicySchema } from "../listings/status.js";
import type { CancelledBy } from "./status.js";

/**
 * What a cancellation refunds: the one rule, a pure function of its inputs (the clock is passed in).
 *
 * Days are counted to the START OF THE CHECK-IN DAY in the listing's time zone: "5 days before" is
 * the instant local midnight of (check-in − 5 calendar days) begins there. A cancellation strictly
 * before a deadline gets the share of the tier that deadline ends; at or after it, the next tier's.
 *
 * | policy   | refund of the nightly total                                                  |
 * |----------|------------------------------------------------------------------------------|
 * | flexible | 100% until 1 day before check-in, then 50%                                    |
 * | moderate | 100% until 5 days before check-in, then 50%                                   |
 * | strict   | 100% until 14 days before, 50% until 7 days before, then nothing              |
 *
 * - The guest cannot cancel a confirmed stay once its check-in day has begun (`stay_started`); a hold
 *   or a request (nothing paid) may be withdrawn whenever.
 * - The host cancelling refunds the guest in full, whenever (the host breaks the promise).
 * - An admin gets the policy's figure by default (the last tier once the stay has begun), or any
 *   amount from 0 to what was paid (`refundAmount`).
 * - Rounding: the share is floored to the minor unit, so a guest is never refunded more than the
 *   policy says; and never more than was actually paid (succeeded payments, less what was already
 *   refunded). Nothing paid (a hold, a request): nothing refunded.
 * - The platform's service fee (the booking's service_fee price line) is kept on a guest's
 *   cancellation (the share applies to the total less that fee) and refunded on a host's.
 */

export { CANCELLED_BY, type CancelledBy } from "./status.js";
/** Who cancels through the API (the provider's cancellations come from settleProviderRefund). */
export type Canceller = Exclude<CancelledBy, "provider">;

interface Tier {
  /** The tier lasts until the start of the day this many days before check-in (0: the check-in day). */
  untilDaysBefore: number;
  percent: number;
}

/** Each policy's tiers, in time order; the last one lasts until the check-in day begins. */
export const POLICY_TIERS: Record<CancellationPolicy, readonly Tier[]> = {
  flexible: [
    { untilDaysBefore: 1, percent: 100 },
    { untilDaysBefore: 0, percent: 50 },
  ],
  moderate: [
    { untilDaysBefore: 5, percent: 100 },
    { untilDaysBefore: 0, percent: 50 },
  ],
  strict: [
    { untilDaysBefore: 14, percent: 100 },
    { untilDaysBefore: 7, percent: 50 },
    { untilDaysBefore: 0, percent: 0 },
  ],
};

/** The policies in words, for the API's description and the quote. */
export const POLICY_SUMMARIES: Record<CancellationPolicy, string> = {
  flexible: "Flexible: full refund until 1 day before check-in, 50% after.",
  moderate: "Moderate: full refund until 5 days before check-in, 50% after.",
  strict: "Strict: full refund until 14 days before check-in, 50% until 7 days before, nothing after.",
};

export const cancellationRuleSchema = z
  .object({
    policy: cancellationPolicySchema,
    by: z.enum(["guest", "host", "admin"]).describe("Whose cancellation the rule is for"),
    refundPercent: z
      .int()
      .nullable()
      .describe("Share of the nightly total refunded (floored to the minor unit); null when an admin set the amount"),
    description: z.string().describe("The rule in words, with the deadline that applied"),
    threshold: z
      .object({
        daysBefore: z.int().describe("Days before the start of the check-in day (listing's time zone)"),
        at: z.iso.datetime().describe("That deadline as an instant"),
        passed: z.boolean().describe("The cancellation is at or after it (the lower share applies)"),
      })
      .nullable()
      .describe("The deadline that decided the share; null for a host's cancellation or an admin's amount"),
    checkInStartsAt: z.iso.datetime().describe("When the check-in day begins in the listing's time zone"),
  })
  .meta({ id: "CancellationRule" });
export type CancellationRule = z.infer<typeof cancellationRuleSchema>;

export interface CancellationInput {
  policy: CancellationPolicy;
  /** serviceFee: the booking's service_fee line (0 when none), kept on a guest's cancellation. */
  stay: { checkIn: string; totalPrice: number; serviceFee?: number };
  /** The listing's IANA time zone. */
  timeZone: string;
  /** What was actually paid and not yet refunded, in minor units. */
  paid: number;
  now: Date;
  by: Canceller;
  /** The stay is confirmed (paid); only a confirmed stay can have started as far as cancelling goes. */
  confirmed: boolean;
  /** An admin's chosen refund (0..paid); the caller has checked it is an admin's and in range. */
  refundAmount?: number;
}

export type CancellationQuote =
  | { allowed: true; refund: number; rule: CancellationRule }
  /** Only for a guest: the check-in day has begun. */
  | { allowed: false; reason: "stay_started"; checkInStartsAt: string };

/** The check-in day has begun at `now` in `timeZone`. */
export function stayStarted(checkIn: string, timeZone: string, now: Date): boolean {
  return now.getTime() >= startOfLocalDay(checkIn, timeZone).getTime();
}

/** What cancelling now refunds, and the rule that decided it (see the module comment). */
export function quoteCancellation(input: CancellationInput): CancellationQuote {
  const { policy, stay, timeZone, now, by } = input;
  const paid = Math.max(0, input.paid);
  const checkInStart = startOfLocalDay(stay.checkIn, timeZone);
  const checkInStartsAt = checkInStart.toISOString();
  const started = now.getTime() >= checkInStart.getTime();
  if (by === "guest" && input.confirmed && started) return { allowed: false, reason: "stay_started", checkInStartsAt };

  const base = { policy, by, checkInStartsAt };
  const unpaid = paid === 0 ? " Nothing has been paid, so nothing is refunded." : "";
  if (by === "admin" && input.refundAmount !== undefined) {
    const refund = Math.min(input.refundAmount, paid);
    const description = `Refund set by an admin: ${refund} of ${paid} paid (minor units).`;
    return { allowed: true, refund, rule: { ...base, refundPercent: null, description, threshold: null } };
  }
  if (by === "host") {
    const description = `A host cancelling refunds the guest in full.${unpaid}`;
    return { allowed: true, refund: paid, rule: { ...base, refundPercent: 100, description, threshold: null } };
  }

  const tiers = POLICY_TIERS[policy];
  const deadlines = tiers.map((tier) => startOfLocalDay(addDays(stay.checkIn, -tier.untilDaysBefore), timeZone));
  let index = deadlines.findIndex((deadline) => now.getTime() < deadline.getTime());
  // After the check-in day began (an admin only): the last tier still applies.
  if (index === -1) index = tiers.length - 1;
  const tier = tiers[index];
  // The deadline that decided: the one still ahead for the first tier, else the last one passed.
  const decidingIndex = index === 0 ? 0 : index - 1;
  const deciding = tiers[decidingIndex];
  const threshold = {
    daysBefore: deciding.untilDaysBefore,
    at: deadlines[decidingIndex].toISOString(),
    passed: index !== 0,
  };
  const days = `${deciding.untilDaysBefore} day${deciding.untilDaysBefore === 1 ? "" : "s"}`;
  const when = index === 0 ? `more than ${days}` : `less than ${days}`;
  const description = `${POLICY_SUMMARIES[policy]} Cancelled ${when} before check-in: ${tier.percent}% of the total${stay.serviceFee ? " less the service fee" : ""}.${unpaid}`;
  const refundable = Math.max(0, stay.totalPrice - (stay.serviceFee ?? 0));
  const refund = Math.min(Math.floor((refundable * tier.percent) / 100), paid);
  return { allowed: true, refund, rule: { ...base, refundPercent: tier.percent, description, threshold } };
}

/**
 * The instant local date `date` (YYYY-MM-DD) begins in `timeZone`. Where midnight does not exist
 * that day (a DST jump at 00:00), the first instant of the day is an hour later, as PostgreSQL's
 * `(date::timestamp at time zone tz)` also answers.
 */
export function startOfLocalDay(date: string, timeZone: string): Date {
  const [y, m, d] = date.split("-").map(Number);
  const wall = Date.UTC(y, m - 1, d);
  // Two rounds: the offset at the guess may differ from the offset at the answer across a DST change.
  let instant = wall - offsetAt(wall, timeZone);
  instant = wall - offsetAt(instant, timeZone);
  return new Date(instant);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** How far `timeZone`'s wall clock is ahead of UTC at `at` (ms). */
function offsetAt(at: number, timeZone: string): number {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(at)).map((p) => [p.type, p.value]));
  const local = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return local - Math.floor(at / 1000) * 1000;
}

/** YYYY-MM-DD plus `days` calendar days. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}
