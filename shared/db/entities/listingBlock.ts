import { defineEntity, type InferEntity, p } from "@mikro-orm/core";
import { Listing } from "./listing.js";
import { createdAt } from "./timestamps.js";
import { User } from "./user.js";

/**
 * Nights a host keeps off the market: [checkIn, checkOut), like a stay. Its dates live in
 * listing_occupancy too (a trigger writes them, migration calendarBlocks), where the one exclusion
 * constraint keeps blocks and active bookings from overlapping.
 */
export const ListingBlock = defineEntity({
  name: "ListingBlock",
  tableName: "listing_blocks",
  indexes: [{ name: "listing_blocks_listing_idx", properties: ["listing", "checkIn"] }],
  checks: [{ name: "listing_blocks_dates_check", expression: "check_out > check_in" }],
  properties: {
    id: p.uuid().primary().defaultRaw("gen_random_uuid()"),
    listing: p.manyToOne(Listing).fieldName("listing_id"),
    checkIn: p.date(),
    checkOut: p.date(),
    note: p.string().length(200).nullable(),
    // The host or admin who blocked the nights.
    createdBy: p.manyToOne(User).fieldName("created_by_id"),
    createdAt: createdAt(),
  },
});
export type IListingBlock = InferEntity<typeof ListingBlock>;
