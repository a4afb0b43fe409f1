import { z } from "zod";
import { sql } from "../../db/sql.js";
import { conflict } from "../../errors.js";
import { onConstraint } from "../commands/databaseErrors.js";
import { defineCommand, withIds } from "../commands/define.js";
import { assertMayManageBlocks } from "../listings/blocks.js";
import { feedInputSchema, loadFeedView, MAX_FEEDS_PER_LISTING } from "./feeds.js";
import type { FeedView } from "./view.js";

/**
 * The listing's host (or an admin) imports another channel's feed. It is due at once: the worker's
 * poller fetches it within CRON_SYNC_CALENDARS_EVERY. The same URL twice on one listing is 409
 * feed_exists (calendar_feeds_listing_url_key); more than MAX_FEEDS_PER_LISTING is 409 too_many_feeds.
 */
export const addFeed = defineCommand({
  name: "calendars.feeds.add",
  input: withIds({ listingId: z.guid() }, feedInputSchema),
  errors: {
    unique: onConstraint(
      "calendar_feeds_listing_url_key",
      conflict("feed_exists", "This listing already imports that URL."),
    ),
  },
  async run({ actor, input: { listingId, name, url }, tx }): Promise<FeedView> {
    await assertMayManageBlocks(tx.em, actor, listingId);
    // Under the listing's row lock, so two adds racing cannot both pass the count.
    const [{ feeds }] = await sql(tx.em)<{ feeds: number }>(
      `select (select count(*)::int from calendar_feeds where listing_id = l.id) as feeds
         from listings l where l.id = ? for update`,
      [listingId],
    );
    if (feeds >= MAX_FEEDS_PER_LISTING)
      throw conflict("too_many_feeds", `A listing imports at most ${MAX_FEEDS_PER_LISTING} feeds.`);
    const [{ id }] = await sql(tx.em)<{ id: string }>(
      `insert into calendar_feeds (listing_id, host_id, name, url)
       select l.id, l.host_id, ?, ? from listings l where l.id = ? returning id`,
      [name, url, listingId],
    );
    return (await loadFeedView(tx.em, id))!;
  },
});
