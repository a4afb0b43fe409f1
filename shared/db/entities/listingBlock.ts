import { defineEntity, type InferEntity, p } from "@mikro-orm/core";
import { CalendarFeed } from "./calendarFeed.js";
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
  indexes: [
    { name: "listing_blocks_listing_idx", properties: ["listing", "checkIn"] },
    // Partial (migration calendarSync); declared so the next migration diff does not drop it.
    { name: "listing_blocks_external_key", expression: "-- migration calendarSync: listing_blocks_external_key" },
  ],
  checks: [
    { name: "listing_blocks_dates_check", expression: "check_out > check_in" },
    { name: "listing_blocks_external_check", expression: "(feed_id is null) = (external_key is null)" },
  ],
  properties: {
    id: p.uuid().primary().defaultRaw("gen_random_uuid()"),
    listing: p.manyToOne(Listing).fieldName("listing_id"),
    checkIn: p.date(),
    checkOut: p.date(),
    note: p.string().length(200).nullable(),
    // The host or admin who blocked the nights.
    createdBy: p.manyToOne(User).fieldName("created_by_id"),
    createdAt: createdAt(),
    // An external block (imported from a feed, migration calendarSync): its feed and the event's key.
    feed: p.manyToOne(CalendarFeed).fieldName("feed_id").nullable().deleteRule("cascade"),
    externalKey: p.string().length(1100).nullable(),
    // The export's SEQUENCE and LAST-MODIFIED (bumped by a trigger when the nights change).
    icalSequence: p.integer().default(0),
    icalModifiedAt: p.datetime().nullable(),
  },
});
export type IListingBlock = InferEntity<typeof ListingBlock>;
