import { z } from "zod";
import { sql } from "../../db/sql.js";
import { defineCommand } from "../commands/define.js";
import { assertMayManageBlocks } from "../listings/blocks.js";
import { assertFeedOfListing, loadFeedView } from "./feeds.js";
import type { FeedView } from "./view.js";

/**
 * The host asks for a feed to be fetched now rather than at its next poll (after fixing its URL on
 * the other channel, say): it becomes due, and its failure backoff starts over.
 */
export const syncFeedNow = defineCommand({
  name: "calendars.feeds.syncNow",
  input: z.object({ listingId: z.guid(), feedId: z.guid() }),
  async run({ actor, input: { listingId, feedId }, tx }): Promise<FeedView> {
    await assertMayManageBlocks(tx.em, actor, listingId);
    await assertFeedOfListing(tx.em, listingId, feedId);
    await sql(tx.em)("update calendar_feeds set next_sync_at = now() where id = ?", [feedId]);
    return (await loadFeedView(tx.em, feedId))!;
  },
});
