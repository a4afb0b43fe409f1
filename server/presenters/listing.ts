import { z } from "zod";
import { type ListingView, listingViewSchema } from "../../shared/domain/listings/view.js";

/** What a listing looks like on the wire (documented in OpenAPI from this schema). */
export const listingSchema = listingViewSchema.meta({ id: "Listing" });

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
    cancellationPolicy: view.cancellationPolicy,
    bookingMode: view.bookingMode,
    minNights: view.minNights,
    maxNights: view.maxNights,
    timeZone: view.timeZone,
    latitude: view.latitude,
    longitude: view.longitude,
    pricing: { ...view.pricing, overrides: view.pricing.overrides.map((o) => ({ ...o })) },
    photos: view.photos.map((photo) => ({ ...photo, urls: { ...photo.urls } })),
    stayTotal: view.stayTotal,
    ratingAverage: view.ratingAverage,
    reviewCount: view.reviewCount,
    createdAt: view.createdAt,
    updatedAt: view.updatedAt,
  };
}
