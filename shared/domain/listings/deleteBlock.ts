import { z } from "zod";
import { sql } from "../../db/sql.js";
import { conflict, notFound } from "../../errors.js";
import { nightsFreed, STAY_NIGHTS_SQL, type StayOfListing } from "../bookings/availability.js";
import { emitAvailabilityChanged, lockListingAvailability } from "../bookings/listingAvailability.js";
import { defineCommand } from "../commands/define.js";
import { assertMayManageBlocks } from "./blocks.js";

/**
 * The listing's host (or an admin) frees blocked nights: the block's row leaves listing_occupancy
 * with it (its trigger), so the dates can be booked as soon as this commits. 404 for a block that is
 * not this listing's; 409 block_from_feed for an imported block (its feed owns it).
 */
export const deleteBlock = defineCommand({
  name: "listings.blocks.delete",
  input: z.object({ listingId: z.guid(), blockId: z.guid() }),
  async run({ actor, input: { listingId, blockId }, tx }): Promise<void> {
    await assertMayManageBlocks(tx.em, actor, listingId);
    await lockListingAvailability(tx, listingId);
    const [deleted] = await sql(tx.em)<StayOfListing>(
      `delete from listing_blocks b using listings l
        where b.id = ? and b.listing_id = ? and l.id = b.listing_id and b.feed_id is null
        returning ${STAY_NIGHTS_SQL}, l.city, l.country`,
      [blockId, listingId],
    );
    if (!deleted) {
      const [external] = await sql(tx.em)("select 1 from listing_blocks where id = ? and listing_id = ?", [
        blockId,
        listingId,
      ]);
      // It would come back at the feed's next poll: the host frees it on the other channel, or removes the feed.
      if (external)
        throw conflict(
          "block_from_feed",
          "This block comes from a calendar feed; free the nights there, or remove the feed.",
        );
      throw notFound("block");
    }
    await emitAvailabilityChanged(tx, listingId);
    tx.searchChanged(nightsFreed(listingId, deleted));
  },
});
