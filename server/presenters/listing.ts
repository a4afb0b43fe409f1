import { z } from "zod";
import type { ListingView } from "../../shared/events/eventMap.js";

/** What a listing looks like on the wire (documented in OpenAPI from this schema). */
export const listingSchema = z
  .object({
    id: z.uuid(),
    hostId: z.uuid(),
    title: z.string(),
    description: z.string(),
    city: z.string(),
    country: z.string(),
    pricePerNight: z.int().meta({ description: "Integer minor units (12550 = 125.50)." }),
    currency: z.enum(["ETB", "USD"]),
    maxGuests: z.int(),
    status: z.enum(["active", "archived"]),
    ratingAverage: z.number().nullable().meta({ description: "Mean rating, 2 decimals; null before any review." }),
    reviewCount: z.int(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: "Listing" });

export const listingResponseSchema = z.object({ listing: listingSchema });

export const listingPageSchema = z
  .object({ data: z.array(listingSchema), nextCursor: z.string().nullable() })
  .meta({ id: "ListingPage" });

export type ListingJson = z.infer<typeof listingSchema>;

export function presentListing(view: ListingView): ListingJson {
  return {
    id: view.id,
    hostId: view.hostId,
    title: view.title,
    description: view.description,
    city: view.city,
    country: view.country,
    pricePerNight: view.pricePerNight,
    currency: view.currency,
    maxGuests: view.maxGuests,
    status: view.status,
    ratingAverage: view.ratingAverage,
    reviewCount: view.reviewCount,
    createdAt: view.createdAt,
    updatedAt: view.updatedAt,
  };
}
