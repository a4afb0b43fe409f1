import { z } from "zod";
import { PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX, pageCursor } from "../../pagination.js";
import { digits, multiLine, singleLine } from "../../text.js";
import { MAX_NIGHTS } from "../bookings/stayInput.js";
import { currencySchema } from "../currency.js";
import { timeZoneSchema } from "./bookingRules.js";
import { bookingModeSchema, cancellationPolicySchema } from "./status.js";

/**
 * What listing requests may contain. The routes validate with these and OpenAPI is generated from
 * them, so the documented rules and the enforced ones cannot drift apart.
 */

/** A stay date: YYYY-MM-DD that exists on the calendar (2025-02-30 is refused, not rolled over). */
export const stayDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date as YYYY-MM-DD")
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`);
    // Year 0000 passes the round trip but does not exist for PostgreSQL (which would fail the query).
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value) && !value.startsWith("0000");
  }, "is not a real calendar date")
  .meta({ example: "2030-01-15" });

/** A whole number sent as a query string ("20"), bounded. */
const queryInt = (min: number, max: number, description = "") =>
  digits({ min, max }).meta({ description: `${description}A whole number from ${min} to ${max}.` });

// bookings.total_price is a 4-byte integer: the longest stay (365 nights) at the top price must fit.
export const MAX_PRICE_PER_NIGHT = Math.floor(2_147_483_647 / 365);
export const MAX_GUESTS = 50;

const listingFields = {
  title: singleLine({ max: 200 }),
  description: multiLine({ max: 5000 }),
  city: singleLine({ max: 120 }),
  country: singleLine({ max: 120 }),
  pricePerNight: z.int().min(1).max(MAX_PRICE_PER_NIGHT).meta({ description: "Integer minor units (12550 = 125.50)." }),
  currency: currencySchema,
  maxGuests: z.int().min(1).max(MAX_GUESTS),
};

/** The host's booking rules; each has a default on create (the column's), so older clients need not send them. */
const ruleFields = {
  cancellationPolicy: cancellationPolicySchema.meta({
    description: "moderate unless chosen (see the cancellation rules)",
  }),
  bookingMode: bookingModeSchema,
  minNights: z.int().min(1).max(MAX_NIGHTS),
  maxNights: z.int().min(1).max(MAX_NIGHTS),
  timeZone: timeZoneSchema,
};

const nightsInOrder = (rules: { minNights?: number; maxNights?: number }) =>
  rules.minNights === undefined || rules.maxNights === undefined || rules.minNights <= rules.maxNights;
const nightsInOrderIssue = { message: "must not be below minNights", path: ["maxNights"] };

// Strict: a client sending `status` or `hostId` learns at once that it cannot set them
// (400 naming the key) instead of seeing them silently ignored.
export const listingInputSchema = z
  .strictObject({ ...listingFields, ...z.object(ruleFields).partial().shape })
  .refine(nightsInOrder, nightsInOrderIssue)
  .meta({
    id: "ListingInput",
    examples: [
      {
        title: "Stone house by the lake",
        description: "Two bedrooms, a wood stove and a jetty.",
        city: "Bahir Dar",
        country: "Ethiopia",
        pricePerNight: 12550,
        currency: "ETB",
        maxGuests: 4,
      },
    ],
  });
export type ListingInput = z.output<typeof listingInputSchema>;

// minNights/maxNights sent alone are checked against the stored other one by the database
// (listings_nights_check, answered 400 by updateListing).
export const listingPatchSchema = z
  .strictObject({ ...listingFields, ...ruleFields })
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, { message: "Send at least one field to change." })
  .refine(nightsInOrder, nightsInOrderIssue)
  .meta({ id: "ListingPatch" });
export type ListingPatch = z.output<typeof listingPatchSchema>;

/** ?limit=&cursor= of every list. */
export const pageQueryFields = {
  limit: queryInt(1, PAGE_LIMIT_MAX, `Page size, ${PAGE_LIMIT_DEFAULT} by default. `).default(PAGE_LIMIT_DEFAULT),
  cursor: pageCursor.optional(),
};
export const pageQuerySchema = z.object(pageQueryFields);

// Matching is case-insensitive, so the filter is lower-cased once here: the SQL and the cache key
// then see the same value.
const placeFilter = singleLine({ max: 120 })
  .transform((v) => v.toLowerCase())
  .meta({ description: "Exact match, any case." });

export const searchQuerySchema = z
  .object({
    city: placeFilter.optional(),
    country: placeFilter.optional(),
    minPrice: queryInt(0, MAX_PRICE_PER_NIGHT, "Lowest pricePerNight (minor units, inclusive). ").optional(),
    maxPrice: queryInt(0, MAX_PRICE_PER_NIGHT, "Highest pricePerNight (minor units, inclusive). ").optional(),
    guests: queryInt(1, MAX_GUESTS, "Only listings taking at least this many guests. ").optional(),
    checkIn: stayDate.optional().meta({ description: "With checkOut: only listings free from this night." }),
    checkOut: stayDate.optional().meta({ description: "With checkIn: the day of departure (after checkIn)." }),
    ...pageQueryFields,
  })
  .superRefine((q, ctx) => {
    if (q.checkIn && !q.checkOut)
      ctx.addIssue({ code: "custom", path: ["checkOut"], message: "is required with checkIn" });
    if (q.checkOut && !q.checkIn)
      ctx.addIssue({ code: "custom", path: ["checkIn"], message: "is required with checkOut" });
    if (q.checkIn && q.checkOut && q.checkOut <= q.checkIn) {
      ctx.addIssue({ code: "custom", path: ["checkOut"], message: "must be after checkIn" });
    }
    if (q.minPrice !== undefined && q.maxPrice !== undefined && q.maxPrice < q.minPrice) {
      ctx.addIssue({ code: "custom", path: ["maxPrice"], message: "must not be below minPrice" });
    }
  });
export type SearchFilters = z.output<typeof searchQuerySchema>;

export const availabilityQuerySchema = z
  .object({ from: stayDate.optional(), to: stayDate.optional() })
  .superRefine((q, ctx) => {
    if (q.from && q.to && q.to <= q.from) ctx.addIssue({ code: "custom", path: ["to"], message: "must be after from" });
  });

export const idParamSchema = z.object({ id: z.uuid() });
