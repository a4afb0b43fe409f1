import { defineEntity, type InferEntity, p } from "@mikro-orm/core";
import { CURRENCIES } from "../../domain/currency.js";
import { BOOKING_MODES, CANCELLATION_POLICIES, LISTING_STATUSES } from "../../domain/listings/status.js";
import { createdAt, updatedAt } from "./timestamps.js";
import { User } from "./user.js";

const SEARCH_INDEXES = [
  "listings_newest_idx",
  "listings_city_newest_idx",
  "listings_price_idx",
  "listings_city_price_idx",
  "listings_rating_idx",
  "listings_city_rating_idx",
  "listings_text_idx",
  "listings_place_idx",
];

export const Listing = defineEntity({
  name: "Listing",
  tableName: "listings",
  // The search indexes are raw SQL in migration searchAtScale (partial, on expressions); declared
  // here so the next migration diff does not drop them.
  indexes: [
    { name: "listings_host_idx", properties: ["host"] },
    ...SEARCH_INDEXES.map((name) => ({ name, expression: `-- migration searchAtScale: ${name}` })),
  ],
  checks: [
    { name: "listings_nights_check", expression: "min_nights >= 1 and max_nights >= min_nights" },
    {
      name: "listings_place_check",
      expression:
        "(latitude is null) = (longitude is null) and abs(latitude) <= 90::double precision and abs(longitude) <= 180::double precision",
    },
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
    cancellationPolicy: p.enum([...CANCELLATION_POLICIES]).default("moderate"),
    bookingMode: p.enum([...BOOKING_MODES]).default("instant"),
    minNights: p.integer().default(1),
    maxNights: p.integer().default(365),
    // IANA name: the listing's calendar, in which check-in days begin and stays end (cancellationPolicy.ts).
    timeZone: p.string().length(64).default("UTC"),
    // Where the place is (WGS 84 degrees), for the radius, the map's box and the distance order; both or neither.
    latitude: p.double().nullable(),
    longitude: p.double().nullable(),
    // Kept by the review command in the review's transaction: average = ratingSum / reviewCount.
    ratingSum: p.integer().default(0),
    reviewCount: p.integer().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
});
export type IListing = InferEntity<typeof Listing>;
