import { z } from "zod";
import { isUuid } from "../../ids.js";
import { cursorSchema, isInstant, PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX, pageCursor } from "../../pagination.js";
import { digits, multiLine, singleLine } from "../../text.js";
import { MAX_NIGHTS } from "../bookings/stayInput.js";
import { currencySchema } from "../currency.js";
import { pricingRulesSchema } from "../pricing/rules.js";
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

/** A decimal number sent as text ("-9.14"), bounded: no exponent, no hex, no spaces. */
const queryDecimal = (min: number, max: number, description: string) =>
  z
    .string()
    .regex(/^-?\d{1,3}(\.\d{1,10})?$/, "must be a decimal number such as 38.74")
    .transform(Number)
    .pipe(z.number().min(min).max(max))
    .meta({ description: `${description} A decimal number from ${min} to ${max}.` });

const latitude = z.number().min(-90).max(90).meta({ description: "WGS 84 degrees, -90 to 90." });
const longitude = z.number().min(-180).max(180).meta({ description: "WGS 84 degrees, -180 to 180." });

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
  // Where the place is, for the map and the radius search; both or neither (null and null unplace it).
  latitude: latitude.nullable(),
  longitude: longitude.nullable(),
  // The whole document: a PATCH replaces the listing's rules with these (absent fields: no fee, no discount).
  pricing: pricingRulesSchema,
};

const placeInPairs = (place: { latitude?: number | null; longitude?: number | null }) =>
  (place.latitude === undefined) === (place.longitude === undefined) &&
  (place.latitude === null) === (place.longitude === null);
const placeInPairsIssue = {
  message: "latitude and longitude go together (both numbers, or both null)",
  path: ["longitude"],
};

const nightsInOrder = (rules: { minNights?: number; maxNights?: number }) =>
  rules.minNights === undefined || rules.maxNights === undefined || rules.minNights <= rules.maxNights;
const nightsInOrderIssue = { message: "must not be below minNights", path: ["maxNights"] };

// Strict: a client sending `status` or `hostId` learns at once that it cannot set them
// (400 naming the key) instead of seeing them silently ignored.
export const listingInputSchema = z
  .strictObject({ ...listingFields, ...z.object(ruleFields).partial().shape })
  .refine(nightsInOrder, nightsInOrderIssue)
  .refine(placeInPairs, placeInPairsIssue)
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
  .refine(placeInPairs, placeInPairsIssue)
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

/** How a search is ordered; every order ends with the id, so pages never repeat or skip a listing. */
export const SEARCH_SORTS = ["newest", "price_asc", "price_desc", "rating", "distance"] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];

/** Where a search page ended: its sort, the last listing's sort key (as text) and id. */
export interface SearchCursorKey {
  sort: SearchSort;
  key: string;
  id: string;
}

const SORT_KEY_SHAPE: Record<SearchSort, (key: string) => boolean> = {
  newest: isInstant,
  price_asc: (key) => /^\d{1,10}$/.test(key),
  price_desc: (key) => /^\d{1,10}$/.test(key),
  rating: (key) => /^-?\d{1,2}(\.\d{1,2})?$/.test(key),
  distance: (key) => /^\d{1,9}(\.\d{1,20})?(e[+-]?\d{1,3})?$/.test(key),
};

/** `?cursor=` of a search: a search page's nextCursor (or a newest-first cursor of the older format). */
const searchCursor = cursorSchema<SearchCursorKey>((parts) => {
  if (parts.length === 2)
    return isInstant(parts[0]) && isUuid(parts[1]) ? { sort: "newest", key: parts[0], id: parts[1] } : null;
  const [sort, key, id, ...rest] = parts;
  if (rest.length || !(SEARCH_SORTS as readonly string[]).includes(sort) || !key || !id || !isUuid(id)) return null;
  return SORT_KEY_SHAPE[sort as SearchSort](key) ? { sort: sort as SearchSort, key, id } : null;
});

/** ?bbox=minLng,minLat,maxLng,maxLat (GeoJSON's order): the map's visible box. */
const boundingBox = z
  .string()
  .max(200)
  .transform((raw, ctx) => {
    const parts = raw.split(",");
    const numbers = parts.map((part) => (/^-?\d{1,3}(\.\d{1,10})?$/.test(part) ? Number(part) : Number.NaN));
    const [minLng, minLat, maxLng, maxLat] = numbers;
    const message =
      parts.length !== 4 || numbers.some(Number.isNaN)
        ? "must be minLng,minLat,maxLng,maxLat in decimal degrees"
        : Math.abs(minLat) > 90 || Math.abs(maxLat) > 90 || Math.abs(minLng) > 180 || Math.abs(maxLng) > 180
          ? "has a latitude beyond ±90 or a longitude beyond ±180"
          : minLat > maxLat
            ? "has minLat above maxLat"
            : minLng > maxLng
              ? "crosses the antimeridian (minLng above maxLng): send the two halves as two searches"
              : null;
    if (message) {
      ctx.issues.push({ code: "custom", message, input: raw });
      return z.NEVER;
    }
    return { minLng, minLat, maxLng, maxLat };
  })
  .meta({ description: "The map's box: minLng,minLat,maxLng,maxLat (decimal degrees, GeoJSON order)." });

export const SEARCH_RADIUS_KM_DEFAULT = 25;

export const searchQuerySchema = z
  .object({
    q: singleLine({ max: 200 })
      .optional()
      .meta({
        description:
          "Free text over title and description (English stemming: cottages finds cottage; every word must match; " +
          '"quoted phrases" and -exclusions work as in a web search).',
      }),
    city: placeFilter.optional(),
    country: placeFilter.optional(),
    minPrice: queryInt(0, MAX_PRICE_PER_NIGHT, "Lowest pricePerNight (minor units, inclusive). ").optional(),
    maxPrice: queryInt(0, MAX_PRICE_PER_NIGHT, "Highest pricePerNight (minor units, inclusive). ").optional(),
    guests: queryInt(1, MAX_GUESTS, "Only listings taking at least this many guests. ").optional(),
    checkIn: stayDate.optional().meta({ description: "With checkOut: only listings free from this night." }),
    checkOut: stayDate.optional().meta({ description: "With checkIn: the day of departure (after checkIn)." }),
    lat: queryDecimal(-90, 90, "With lng: the centre of a radius search and of sort=distance.").optional(),
    lng: queryDecimal(-180, 180, "With lat.").optional(),
    radiusKm: queryDecimal(
      0.1,
      500,
      `With lat and lng: only listings within this many km (${SEARCH_RADIUS_KM_DEFAULT} by default).`,
    ).optional(),
    bbox: boundingBox.optional(),
    sort: z
      .enum(SEARCH_SORTS)
      .default("newest")
      .meta({
        description:
          "newest (default), price_asc, price_desc, rating (best first; unrated last) or distance (nearest first from " +
          "lat,lng, or from the centre of bbox).",
      }),
    limit: pageQueryFields.limit,
    cursor: searchCursor.optional(),
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
    if ((q.lat === undefined) !== (q.lng === undefined)) {
      ctx.addIssue({ code: "custom", path: [q.lat === undefined ? "lat" : "lng"], message: "lat and lng go together" });
    }
    if (q.radiusKm !== undefined && q.lat === undefined) {
      ctx.addIssue({ code: "custom", path: ["radiusKm"], message: "needs lat and lng" });
    }
    if (q.sort === "distance" && q.lat === undefined && !q.bbox) {
      ctx.addIssue({ code: "custom", path: ["sort"], message: "distance needs lat and lng, or bbox" });
    }
    if (q.cursor && q.cursor.sort !== q.sort) {
      ctx.addIssue({ code: "custom", path: ["cursor"], message: `is a cursor of sort=${q.cursor.sort}` });
    }
  });
export type SearchFilters = z.output<typeof searchQuerySchema>;

export const availabilityQuerySchema = z
  .object({ from: stayDate.optional(), to: stayDate.optional() })
  .superRefine((q, ctx) => {
    if (q.from && q.to && q.to <= q.from) ctx.addIssue({ code: "custom", path: ["to"], message: "must be after from" });
  });

export const idParamSchema = z.object({ id: z.uuid() });
