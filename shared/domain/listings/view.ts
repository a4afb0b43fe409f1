import type { EntityManager } from "@mikro-orm/postgresql";
import { z } from "zod";
import { sql } from "../../db/sql.js";
import { notFound } from "../../errors.js";
import { currencySchema } from "../currency.js";
import { rulesOf } from "../pricing/listingPricing.js";
import { pricingRulesSchema } from "../pricing/rules.js";
import { PHOTOS_JSON_SQL, type PhotoRow, photoViewSchema, toPhotoView } from "./photoView.js";
import {
  type BookingMode,
  bookingModeSchema,
  type CancellationPolicy,
  cancellationPolicySchema,
  listingStatusSchema,
} from "./status.js";

/** A listing as anyone sees it: the one definition (the type and the presenter's schema derive from it). */
export const listingViewSchema = z.object({
  id: z.uuid(),
  hostId: z.uuid(),
  title: z.string(),
  description: z.string(),
  city: z.string(),
  country: z.string(),
  pricePerNight: z.int().meta({ description: "Integer minor units (12550 = 125.50)." }),
  currency: currencySchema,
  maxGuests: z.int(),
  status: listingStatusSchema,
  cancellationPolicy: cancellationPolicySchema,
  bookingMode: bookingModeSchema.meta({
    description: "instant: a booking holds the dates for payment; request: the host accepts first",
  }),
  minNights: z.int(),
  maxNights: z.int(),
  timeZone: z.string().meta({ description: "IANA time zone: check-in days begin and stays end in it" }),
  latitude: z.number().nullable().meta({ description: "WGS 84 degrees; null when the host has not placed it." }),
  longitude: z.number().nullable(),
  pricing: pricingRulesSchema.meta({ description: "The price rules besides pricePerNight (the base price)." }),
  photos: z
    .array(photoViewSchema)
    .meta({ description: "In the host's order; the first one is the cover search shows." }),
  stayTotal: z
    .int()
    .nullable()
    .meta({
      description:
        "In a search with checkIn and checkOut: the quote's total for those dates (and guests, 1 unless given), " +
        "in minor units; null elsewhere.",
    }),
  ratingAverage: z.number().nullable().meta({ description: "Mean rating, 2 decimals; null before any review." }),
  reviewCount: z.int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type ListingView = z.infer<typeof listingViewSchema>;

export interface ListingRow {
  id: string;
  host_id: string;
  title: string;
  description: string;
  city: string;
  country: string;
  price_per_night: number;
  currency: ListingView["currency"];
  max_guests: number;
  status: ListingView["status"];
  cancellation_policy: CancellationPolicy;
  booking_mode: BookingMode;
  min_nights: number;
  max_nights: number;
  time_zone: string;
  latitude: number | null;
  longitude: number | null;
  pricing: unknown;
  photos: PhotoRow[];
  rating_average: string | null;
  review_count: number;
  created_at: Date;
  updated_at: Date;
}

/**
 * Columns of a listing read with the table aliased `l`. The average is rounded by PostgreSQL's
 * numeric type: in floating point 4.675 would round down to 4.67.
 */
export const LISTING_COLUMNS = `
  l.id, l.host_id, l.title, l.description, l.city, l.country, l.price_per_night, l.currency, l.max_guests,
  l.status, l.cancellation_policy, l.booking_mode, l.min_nights, l.max_nights, l.time_zone, l.latitude, l.longitude,
  l.pricing, ${PHOTOS_JSON_SQL} as photos,
  round(l.rating_sum::numeric / nullif(l.review_count, 0), 2) as rating_average, l.review_count,
  l.created_at, l.updated_at`;

export function toListingView(row: ListingRow): ListingView {
  return {
    id: row.id,
    hostId: row.host_id,
    title: row.title,
    description: row.description,
    city: row.city,
    country: row.country,
    pricePerNight: row.price_per_night,
    currency: row.currency,
    maxGuests: row.max_guests,
    status: row.status,
    cancellationPolicy: row.cancellation_policy,
    bookingMode: row.booking_mode,
    minNights: row.min_nights,
    maxNights: row.max_nights,
    timeZone: row.time_zone,
    latitude: row.latitude,
    longitude: row.longitude,
    pricing: rulesOf(row.pricing),
    photos: row.photos.map(toPhotoView),
    stayTotal: null,
    ratingAverage: row.rating_average === null ? null : Number(row.rating_average),
    reviewCount: row.review_count,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** Listings by a where clause over `l` (parameters bound), read in the caller's transaction if any. */
export async function queryListings(
  em: EntityManager,
  where: string,
  params: unknown[],
  orderAndLimit = "",
): Promise<ListingView[]> {
  const rows = await sql(em)<ListingRow>(
    `select ${LISTING_COLUMNS} from listings l where ${where} ${orderAndLimit}`,
    params,
  );
  return rows.map(toListingView);
}

/** One listing, archived ones included (they stay readable by id); null when unknown. */
export async function loadListingView(em: EntityManager, listingId: string): Promise<ListingView | null> {
  const [found] = await queryListings(em, "l.id = ?", [listingId]);
  return found ?? null;
}

/** Throws 404 unless the listing exists (archived ones do). */
export async function assertListingExists(em: EntityManager, listingId: string): Promise<void> {
  const [found] = await sql(em)("select 1 from listings where id = ?", [listingId]);
  if (!found) throw notFound("listing");
}
