import { z } from "zod";
import { singleLine } from "../../text.js";
import { stayDate } from "../bookings/stayInput.js";

/**
 * A listing's price rules besides its base price (listings.price_per_night), all in integer minor
 * units or whole percents. Stored as one jsonb column (listings.pricing, migration pricingAndPhotos):
 * a listing's read brings its rules with it, so search prices a whole page from the rows it already
 * has, with no query per listing. Absent fields take the defaults here (no fee, no discount).
 */

/** The dearest night and fee: a 365-night stay at this price still fits bookings.total_price (int4). */
export const MAX_AMOUNT = Math.floor(2_147_483_647 / 365);
const amount = z.int().min(0).max(MAX_AMOUNT).meta({ description: "Integer minor units (12550 = 125.50)." });
const percent = z.int().min(0).max(90).meta({ description: "Whole percent, 0 to 90." });

/** A seasonal price: every night in [from, to) costs pricePerNight (weekend price included). */
export const priceOverrideSchema = z
  .strictObject({
    from: stayDate.meta({ description: "The first night it prices." }),
    to: stayDate.meta({ description: "The day after its last night (like a checkOut)." }),
    pricePerNight: amount.min(1),
    label: singleLine({ max: 60 }).optional().meta({ description: 'Shown on the quote, e.g. "High season".' }),
  })
  .refine((o) => o.to > o.from, { message: "must be after from", path: ["to"] });
export type PriceOverride = z.output<typeof priceOverrideSchema>;

export const MAX_OVERRIDES = 50;

const DAY_MS = 86_400_000;
/** Nights in [from, to): the span that decides which of two overlapping overrides is more specific. */
export const spanOf = (o: Pick<PriceOverride, "from" | "to">) =>
  Math.round((Date.parse(o.to) - Date.parse(o.from)) / DAY_MS);

export const pricingRulesSchema = z
  .strictObject({
    weekendPrice: amount.min(1).nullable().default(null).meta({
      description: "The price of Friday and Saturday nights; null: the base price.",
    }),
    cleaningFee: amount.default(0).meta({ description: "Once per stay." }),
    includedGuests: z.int().min(1).max(50).default(1).meta({ description: "Guests the nightly price covers." }),
    extraGuestFee: amount.default(0).meta({ description: "Per night, for each guest above includedGuests." }),
    weeklyDiscountPercent: percent.default(0).meta({ description: "Off the nights of a stay of 7 nights or more." }),
    monthlyDiscountPercent: percent.default(0).meta({
      description: "Off the nights of a stay of 28 nights or more (the larger of the two applies).",
    }),
    overrides: z.array(priceOverrideSchema).max(MAX_OVERRIDES).default([]).meta({
      description:
        "Seasonal prices. Where several cover a night the shortest one wins; two overlapping ones of the same span are refused.",
    }),
  })
  .superRefine((rules, ctx) => {
    const list = rules.overrides;
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const [a, b] = [list[i], list[j]];
        if (a.from < b.to && b.from < a.to && spanOf(a) === spanOf(b)) {
          ctx.addIssue({
            code: "custom",
            path: ["overrides", j],
            message: `overlaps override ${i} with the same span (${spanOf(a)} nights): which one applies would be unclear`,
          });
        }
      }
    }
  })
  .meta({ id: "PricingRules" });
export type PricingRules = z.output<typeof pricingRulesSchema>;

/** The rules of a listing whose pricing column says nothing yet: base price only. */
export const NO_RULES: PricingRules = pricingRulesSchema.parse({});

/** What the pricing function needs of a listing. */
export interface PricedListing {
  pricePerNight: number;
  currency: "ETB" | "USD";
  pricing: PricingRules;
}
