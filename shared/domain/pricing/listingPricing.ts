import type { EntityManager } from "@mikro-orm/postgresql";
import { sql } from "../../db/sql.js";
import { validationFailed } from "../../errors.js";
import type { Currency } from "../currency.js";
import type { ListingStatus } from "../listings/status.js";
import { platformFees } from "./fees.js";
import { fitsTotalPrice } from "./fits.js";
import { type PriceBreakdown, priceStay, type Stay } from "./priceStay.js";
import { type PricedListing, pricingRulesSchema } from "./rules.js";

/** A listing as pricing and the stay's rules need it. */
export interface ListingForPricing extends PricedListing {
  id: string;
  status: ListingStatus;
  hostId: string;
  maxGuests: number;
  minNights: number;
  maxNights: number;
  /** Bumped by a trigger on every change of what a price depends on (migration pricingAndPhotos). */
  pricingVersion: number;
}

interface Row {
  id: string;
  status: ListingStatus;
  host_id: string;
  price_per_night: number;
  currency: Currency;
  pricing: unknown;
  pricing_version: number;
  max_guests: number;
  min_nights: number;
  max_nights: number;
}

/** The stored rules, with their defaults filled in (the column holds what the host set). */
export function rulesOf(stored: unknown) {
  return pricingRulesSchema.parse(stored ?? {});
}

/**
 * The booking path's copy of listings' price rules, per process, for a minute. It is safe to
 * price from a stale copy: the hold checks the copy's pricing_version in the same statement as the
 * insert and answers price_changed when it moved, and createBooking then prices again from a fresh
 * read. So the hot path usually costs no query for the price; a host's change costs one retry.
 */
const CACHE_MS = 60_000;
const CACHE_MAX = 5_000;
const cache = new Map<string, { listing: ListingForPricing; at: number }>();

/** loadListingForPricing() through the cache above (`fresh`: read it again and keep that). */
export async function listingForBooking(
  em: EntityManager,
  listingId: string,
  options: { fresh?: boolean } = {},
): Promise<ListingForPricing | null> {
  const hit = cache.get(listingId);
  if (hit && !options.fresh && Date.now() - hit.at < CACHE_MS) return hit.listing;
  const listing = await loadListingForPricing(em, listingId);
  cache.delete(listingId);
  if (listing) {
    cache.set(listingId, { listing, at: Date.now() });
    // Map keeps insertion order: the first key is the oldest entry.
    if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value as string);
  }
  return listing;
}

/** One listing's price rules (archived ones too); null when unknown. */
export async function loadListingForPricing(em: EntityManager, listingId: string): Promise<ListingForPricing | null> {
  const [row] = await sql(em)<Row>(
    `select id, status, host_id, price_per_night, currency, pricing, pricing_version, max_guests, min_nights, max_nights
       from listings where id = ?`,
    [listingId],
  );
  if (!row) return null;
  return {
    id: row.id,
    status: row.status,
    hostId: row.host_id,
    pricePerNight: row.price_per_night,
    currency: row.currency,
    pricing: rulesOf(row.pricing),
    pricingVersion: row.pricing_version,
    maxGuests: row.max_guests,
    minNights: row.min_nights,
    maxNights: row.max_nights,
  };
}

/** priceStay() with the platform's fees, refusing a total that bookings.total_price cannot hold (400). */
export function priceForBooking(listing: PricedListing, stay: Stay): PriceBreakdown {
  const price = priceStay(listing, stay, platformFees());
  if (!fitsTotalPrice(price.total)) {
    throw validationFailed([{ path: "checkOut", message: "the stay's total price is too large" }]);
  }
  return price;
}
