import { defineEntity, type InferEntity, p } from "@mikro-orm/core";
import { Listing } from "./listing.js";
import { createdAt } from "./timestamps.js";

/**
 * One photo of a listing, in the listing's order (position 0 first: the one search shows). The
 * image itself lives in photo storage (shared/photos), in three sizes whose keys, named by content
 * hash, are `sizes` ({small, medium, large}); width and height are the large size's.
 */
export const ListingPhoto = defineEntity({
  name: "ListingPhoto",
  tableName: "listing_photos",
  uniques: [
    // Deferred (migration pricingAndPhotos) so a reorder can swap positions in one transaction.
    { name: "listing_photos_position_key", expression: "-- migration pricingAndPhotos: listing_photos_position_key" },
  ],
  properties: {
    id: p.uuid().primary().defaultRaw("gen_random_uuid()"),
    listing: p.manyToOne(Listing).fieldName("listing_id"),
    position: p.integer(),
    width: p.integer(),
    height: p.integer(),
    sizes: p.json<Record<string, string>>(),
    createdAt: createdAt(),
  },
});
export type IListingPhoto = InferEntity<typeof ListingPhoto>;
