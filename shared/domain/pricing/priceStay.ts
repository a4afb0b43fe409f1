import { z } from "zod";
import { formatMoney } from "../../mail/format.js";
import { currencySchema } from "../currency.js";
import { type PricedListing, type PriceOverride, spanOf } from "./rules.js";

/**
 * The one pricing function: what a stay costs, line by line. The quote endpoint, booking creation
 * (whose lines are stored on the booking) and search (the total for the searched dates) all call it,
 * so a guest sees the same figure everywhere.
 *
 * Rounding, the one rule: every line is a whole number of minor units, each percentage line is
 * rounded on its own (half up, in integer arithmetic: no floating point touches money), and the total
 * is the sum of the lines, never rounded again.
 *
 * The lines, in this order (a line whose amount would be 0 is left out):
 *   nights        one per run of consecutive nights at the same price and from the same rule (base,
 *                 weekend: the nights of Friday and Saturday, or a seasonal override, the shortest
 *                 override covering a night winning);
 *   extra_guests  (guests − includedGuests) × extraGuestFee × nights, when guests exceed includedGuests;
 *   discount      NEGATIVE: weeklyDiscountPercent (7+ nights) or, from 28 nights, the larger of the
 *                 monthly and weekly percents, of the nights' sum only (not of fees);
 *   cleaning_fee  once per stay;
 *   service_fee   SERVICE_FEE_PERCENT (config) of the subtotal (the lines above);
 *   taxes         TAX_PERCENT (config) of the subtotal plus the service fee.
 */

export const PRICE_LINE_KINDS = ["nights", "extra_guests", "discount", "cleaning_fee", "service_fee", "taxes"] as const;
export type PriceLineKind = (typeof PRICE_LINE_KINDS)[number];

export const priceLineSchema = z
  .object({
    kind: z.enum(PRICE_LINE_KINDS),
    label: z.string(),
    nights: z.int().optional().meta({ description: "How many nights the line covers (nights, extra_guests)." }),
    amount: z.int().meta({ description: "Integer minor units; negative only for a discount." }),
  })
  .meta({ id: "PriceLine" });
export type PriceLine = z.infer<typeof priceLineSchema>;

export const priceBreakdownSchema = z.object({
  lines: z.array(priceLineSchema),
  total: z.int().meta({ description: "The sum of the lines, in minor units." }),
  currency: currencySchema,
});
export type PriceBreakdown = z.infer<typeof priceBreakdownSchema>;

/** The platform's percentages (config SERVICE_FEE_PERCENT and TAX_PERCENT), in basis points (1% = 100). */
export interface PlatformFees {
  serviceFeeBasisPoints: number;
  taxBasisPoints: number;
}

export interface Stay {
  checkIn: string;
  checkOut: string;
  guests: number;
}

/** a × basisPoints / 10000, rounded half up, for a ≥ 0: exact in integers below 2^53. */
export function percentOf(a: number, basisPoints: number): number {
  return Math.floor((a * basisPoints + 5000) / 10000);
}

const DAY_MS = 86_400_000;
const WEEKLY_NIGHTS = 7;
const MONTHLY_NIGHTS = 28;

/** The discount percent a stay of this many nights gets: never smaller for a longer stay. */
export function discountPercent(nights: number, rules: PricedListing["pricing"]): number {
  if (nights >= MONTHLY_NIGHTS) return Math.max(rules.monthlyDiscountPercent, rules.weeklyDiscountPercent);
  if (nights >= WEEKLY_NIGHTS) return rules.weeklyDiscountPercent;
  return 0;
}

interface NightRate {
  price: number;
  /** What set it: "base", "weekend" or the override's index. */
  source: string;
  label?: string;
}

/** The override covering a night: the shortest one (equal spans never overlap: the rules refuse them). */
function overrideFor(night: string, overrides: PriceOverride[]): { o: PriceOverride; index: number } | null {
  let best: { o: PriceOverride; index: number } | null = null;
  overrides.forEach((o, index) => {
    if (o.from <= night && night < o.to && (!best || spanOf(o) < spanOf(best.o))) best = { o, index };
  });
  return best;
}

/** The price of one night (the night beginning on `night`, YYYY-MM-DD) and the rule that set it. */
export function nightRate(night: string, listing: PricedListing): NightRate {
  const override = overrideFor(night, listing.pricing.overrides);
  if (override) return { price: override.o.pricePerNight, source: `o${override.index}`, label: override.o.label };
  const weekday = new Date(`${night}T00:00:00Z`).getUTCDay();
  if ((weekday === 5 || weekday === 6) && listing.pricing.weekendPrice !== null) {
    return { price: listing.pricing.weekendPrice, source: "weekend" };
  }
  return { price: listing.pricePerNight, source: "base" };
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

/** The breakdown of a stay at a listing (the stay's dates and guests are already valid). */
export function priceStay(listing: PricedListing, stay: Stay, fees: PlatformFees): PriceBreakdown {
  const { pricing: rules, currency } = listing;
  const money = (minor: number) => formatMoney(minor, currency);
  const lines: PriceLine[] = [];

  const start = Date.parse(`${stay.checkIn}T00:00:00Z`);
  const nights = Math.round((Date.parse(`${stay.checkOut}T00:00:00Z`) - start) / DAY_MS);
  let run: { rate: NightRate; nights: number } | null = null;
  const closeRun = () => {
    if (!run) return;
    const { rate, nights: n } = run;
    const what = rate.source === "weekend" ? "weekend night" : "night";
    const suffix = rate.label ? ` (${rate.label})` : rate.source.startsWith("o") ? " (seasonal price)" : "";
    lines.push({
      kind: "nights",
      label: `${plural(n, what)} × ${money(rate.price)}${suffix}`,
      nights: n,
      amount: n * rate.price,
    });
  };
  for (let i = 0; i < nights; i++) {
    const rate = nightRate(new Date(start + i * DAY_MS).toISOString().slice(0, 10), listing);
    if (run && run.rate.source === rate.source && run.rate.price === rate.price) run.nights++;
    else {
      closeRun();
      run = { rate, nights: 1 };
    }
  }
  closeRun();
  const nightsSum = lines.reduce((sum, l) => sum + l.amount, 0);

  const extraGuests = Math.max(0, stay.guests - rules.includedGuests);
  if (extraGuests > 0 && rules.extraGuestFee > 0) {
    lines.push({
      kind: "extra_guests",
      label: `${plural(extraGuests, "extra guest")} × ${money(rules.extraGuestFee)} × ${plural(nights, "night")}`,
      nights,
      amount: extraGuests * rules.extraGuestFee * nights,
    });
  }
  const discount = discountPercent(nights, rules);
  const discountAmount = percentOf(nightsSum, discount * 100);
  if (discountAmount > 0) {
    const which =
      nights >= MONTHLY_NIGHTS && rules.monthlyDiscountPercent >= rules.weeklyDiscountPercent ? "Monthly" : "Weekly";
    lines.push({ kind: "discount", label: `${which} discount (${discount}%)`, amount: -discountAmount });
  }
  if (rules.cleaningFee > 0) lines.push({ kind: "cleaning_fee", label: "Cleaning fee", amount: rules.cleaningFee });

  const subtotal = lines.reduce((sum, l) => sum + l.amount, 0);
  const serviceFee = percentOf(subtotal, fees.serviceFeeBasisPoints);
  if (serviceFee > 0) {
    lines.push({
      kind: "service_fee",
      label: `Service fee (${fees.serviceFeeBasisPoints / 100}%)`,
      amount: serviceFee,
    });
  }
  const taxes = percentOf(subtotal + serviceFee, fees.taxBasisPoints);
  if (taxes > 0) lines.push({ kind: "taxes", label: `Taxes (${fees.taxBasisPoints / 100}%)`, amount: taxes });

  return { lines, total: lines.reduce((sum, l) => sum + l.amount, 0), currency };
}
