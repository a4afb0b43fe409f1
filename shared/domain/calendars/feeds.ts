import type { EntityManager } from "@mikro-orm/postgresql";
import { z } from "zod";
import { config } from "../../config.js";
import { sql } from "../../db/sql.js";
import { notFound } from "../../errors.js";
import { feedUrlProblem } from "../../net/fetchFeed.js";
import { refusedAddressReason } from "../../net/safeAddress.js";
import { singleLine } from "../../text.js";
import { FEED_VIEW_SQL, type FeedView } from "./view.js";

/** Imported feeds per listing at most (each is polled, and each host's feeds one at a time). */
export const MAX_FEEDS_PER_LISTING = 10;

/**
 * A feed URL: http(s), no credentials, and not an IP literal in a refused range (a name is checked
 * when it is fetched, every time: its DNS answer can change after it is saved).
 */
export const feedUrlSchema = singleLine({ max: 2048 }).superRefine((value, ctx) => {
  const problem = feedUrlProblem(value);
  if (problem) return void ctx.addIssue({ code: "custom", message: `must be a feed URL: it ${problem}` });
  const host = new URL(value).hostname.replace(/^\[|\]$/g, "");
  const reason = refusedAddressReason(host, { allowLoopback: config.ICAL_ALLOW_LOOPBACK });
  if (reason && reason !== "not an IP address")
    ctx.addIssue({ code: "custom", message: `must not point at ${reason}` });
});

/** What a host sends to import a feed: a name of their choosing and the feed's URL. */
export const feedInputSchema = z
  .strictObject({
    name: singleLine({ min: 1, max: 100 }).meta({ description: 'What the host calls it, e.g. "Airbnb".' }),
    url: feedUrlSchema.meta({ description: "The other channel's iCal export URL (http or https)." }),
  })
  .meta({ id: "CalendarFeedInput" });

export async function loadFeedView(em: EntityManager, feedId: string): Promise<FeedView | null> {
  const [row] = await sql(em)<{ view: FeedView }>(`select ${FEED_VIEW_SQL} from calendar_feeds f where f.id = ?`, [
    feedId,
  ]);
  return row?.view ?? null;
}

/** The listing's feeds, oldest first. */
export async function listingFeeds(em: EntityManager, listingId: string): Promise<FeedView[]> {
  const rows = await sql(em)<{ view: FeedView }>(
    `select ${FEED_VIEW_SQL} from calendar_feeds f where f.listing_id = ? order by f.created_at, f.id`,
    [listingId],
  );
  return rows.map((r) => r.view);
}

/** 404 unless `feedId` is one of the listing's feeds. */
export async function assertFeedOfListing(em: EntityManager, listingId: string, feedId: string): Promise<void> {
  const [row] = await sql(em)("select 1 from calendar_feeds where id = ? and listing_id = ?", [feedId, listingId]);
  if (!row) throw notFound("feed");
}

/** The public URL of a listing's export. */
export function exportUrlOf(token: string): string {
  return `${config.PUBLIC_URL.replace(/\/+$/, "")}/ical/${token}.ics`;
}
