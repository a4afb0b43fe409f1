import { z } from "zod";
import { sql } from "../../db/sql.js";
import { notFound } from "../../errors.js";
import { nightsFreed, type StayOfListing } from "../bookings/availability.js";
import { emitAvailabilityChanged, lockListingAvailability } from "../bookings/listingAvailability.js";
import { defineCommand } from "../commands/define.js";
import { assertMayManageBlocks } from "../listings/blocks.js";

/**
 * The host stops importing a feed: its external blocks go with it (their nights can be booked as soon
 * as this commits: search forgets them, the listing's live feed shows them free), then its events
 * and conflicts (by cascade) and the feed itself.
 */
export const removeFeed = defineCommand({
  name: "calendars.feeds.remove",
  input: z.object({ listingId: z.guid(), feedId: z.guid() }),
  async run({ actor, input: { listingId, feedId }, tx }): Promise<void> {
    await assertMayManageBlocks(tx.em, actor, listingId);
    await lockListingAvailability(tx, listingId);
    const [feed] = await sql(tx.em)("select 1 from calendar_feeds where id = ? and listing_id = ? for update", [
      feedId,
      listingId,
    ]);
    if (!feed) throw notFound("feed");
    const freed = await sql(tx.em)<StayOfListing>(
      `delete from listing_blocks b using listings l
        where b.feed_id = ? and l.id = b.listing_id
        returning to_char(b.check_in, 'YYYY-MM-DD') as check_in, to_char(b.check_out, 'YYYY-MM-DD') as check_out,
                  l.city, l.country`,
      [feedId],
    );
    await sql(tx.em)("delete from calendar_feeds where id = ?", [feedId]);
    if (freed.length) {
      await emitAvailabilityChanged(tx, listingId);
      tx.searchChanged(...freed.map((stay) => nightsFreed(listingId, stay)));
    }
  },
});
