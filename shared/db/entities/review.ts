import { defineEntity, type InferEntity, p } from "@mikro-orm/core";
import { Booking } from "./booking.js";
import { Listing } from "./listing.js";
import { createdAt } from "./timestamps.js";
import { User } from "./user.js";

export const Review = defineEntity({
  name: "Review",
  tableName: "reviews",
  indexes: [{ name: "reviews_listing_idx", properties: ["listing", "createdAt"] }],
  checks: [{ name: "reviews_rating_check", expression: "rating >= 1 and rating <= 5" }],
  properties: {
    id: p.uuid().primary().defaultRaw("gen_random_uuid()"),
    // Once per booking, enforced by the database.
    booking: p.oneToOne(Booking).owner().fieldName("booking_id").unique("reviews_booking_unique"),
    listing: p.manyToOne(Listing).fieldName("listing_id"),
    guest: p.manyToOne(User).fieldName("guest_id"),
    rating: p.smallint(),
    comment: p.text(),
    createdAt: createdAt(),
  },
});
export type IReview = InferEntity<typeof Review>;
