import { defineEntity, type InferEntity, p } from "@mikro-orm/core";
import { CURRENCIES } from "../../domain/currency.js";
import { LISTING_STATUSES } from "../../domain/listings/status.js";
import { createdAt, updatedAt } from "./timestamps.js";
import { User } from "./user.js";

export const Listing = defineEntity({
  name: "Listing",
  tableName: "listings",
  indexes: [
    { name: "listings_search_idx", properties: ["status", "city", "createdAt"] },
    { name: "listings_host_idx", properties: ["host"] },
  ],
  properties: {
    id: p.uuid().primary().defaultRaw("gen_random_uuid()"),
    host: p.manyToOne(User).fieldName("host_id"),
    title: p.string().length(200),
    description: p.text(),
    city: p.string().length(120),
    country: p.string().length(120),
    pricePerNight: p.integer(),
    currency: p.enum([...CURRENCIES]),
    maxGuests: p.integer(),
    status: p.enum([...LISTING_STATUSES]).default("active"),
    // Kept by the review command in the review's transaction: average = ratingSum / reviewCount.
    ratingSum: p.integer().default(0),
    reviewCount: p.integer().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
});
export type IListing = InferEntity<typeof Listing>;
