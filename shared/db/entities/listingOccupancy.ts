import { defineEntity, type InferEntity, p } from "@mikro-orm/core";

/** What occupies a listing's nights: an active booking or a host's block. */
export const OCCUPANT_KINDS = ["booking", "block"] as const;

/**
 * Every span of nights that is taken on a listing, whoever took it: one row per active booking
 * (status in ACTIVE_BOOKING_STATUSES) and one per block, kept by triggers on bookings and
 * listing_blocks (migration calendarBlocks); no command writes it. `id` is the occupant's own id
 * (a booking's or a block's). It exists for its exclusion constraint: a PostgreSQL exclusion
 * constraint cannot span two tables, so both kinds meet in this one, and a block and a booking (or
 * two blocks) can never overlap, whatever the concurrency.
 */
export const ListingOccupancy = defineEntity({
  name: "ListingOccupancy",
  tableName: "listing_occupancy",
  indexes: [
    // Raw SQL in the migration; declared here so the next migration diff does not drop it.
    {
      name: "listing_occupancy_no_overlap",
      expression:
        "alter table listing_occupancy add constraint listing_occupancy_no_overlap exclude using gist (listing_id with =, during with &&)",
    },
  ],
  properties: {
    id: p.uuid().primary(),
    kind: p.enum([...OCCUPANT_KINDS]),
    listingId: p.uuid(),
    during: p.string().columnType("daterange"),
  },
});
export type IListingOccupancy = InferEntity<typeof ListingOccupancy>;
