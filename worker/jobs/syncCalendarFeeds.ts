import type { z } from "zod";
import { config } from "../../shared/config.js";
import { applyFeedSync, type feedSyncInput } from "../../shared/domain/calendars/applyFeedSync.js";
import { claimDueFeeds, type DueFeed } from "../../shared/domain/calendars/claimDueFeeds.js";
import { MalformedFeedError, parseFeed } from "../../shared/domain/calendars/parseFeed.js";
import { execute } from "../../shared/domain/commands/execute.js";
import { FeedFetchError, fetchFeed } from "../../shared/net/fetchFeed.js";
import { defineJob, type JobContext } from "./defineJob.js";

/** Feeds fetched at once by one run (each of another host). */
const PARALLEL_FETCHES = 4;

type SyncResult = z.input<typeof feedSyncInput>["result"];

/** One feed: fetched (conditional GET, bounded, every address checked), parsed, then applied in one command. */
async function syncOne(feed: DueFeed, { deps, log }: Pick<JobContext, "deps" | "log">): Promise<void> {
  let result: SyncResult;
  try {
    const fetched = await fetchFeed(feed.url, {
      timeoutMs: config.ICAL_FETCH_TIMEOUT_MS,
      maxBytes: config.ICAL_MAX_BYTES,
      maxRedirects: config.ICAL_MAX_REDIRECTS,
      allowLoopback: config.ICAL_ALLOW_LOOPBACK,
      etag: feed.etag,
      lastModified: feed.lastModified,
    });
    result =
      fetched.status === "not_modified"
        ? { outcome: "not_modified" }
        : {
            outcome: "ok",
            events: parseFeed(fetched.body, feed.timeZone),
            etag: fetched.etag,
            lastModified: fetched.lastModified,
          };
  } catch (err) {
    if (!(err instanceof FeedFetchError || err instanceof MalformedFeedError)) throw err;
    result = { outcome: "failed", error: err.message };
  }
  const applied = await execute(applyFeedSync, { actor: null, input: { feedId: feed.id, result } }, deps);
  log.info(
    {
      feedId: feed.id,
      outcome: result.outcome,
      ...(result.outcome === "failed" ? { error: result.error } : {}),
      ...applied,
    },
    "calendar feed synced",
  );
}

/**
 * Scheduled (CRON_SYNC_CALENDARS_EVERY): polls the imported calendar feeds that are due, one per host
 * at a time (claimDueFeeds), a few in parallel. A feed whose fetch or parse fails is recorded as
 * failed and retried later with backoff; nothing else changes. An unexpected error (the database
 * away) leaves the feed claimed: it is due again once its lease lapses.
 */
export default defineJob({
  name: "syncCalendarFeeds",
  options: { retry: false, concurrency: 1 },
  async handler(_data, { deps, log }) {
    const due = await execute(claimDueFeeds, { actor: null, input: { limit: config.ICAL_FEEDS_PER_RUN } }, deps);
    const queue = [...due];
    const worker = async () => {
      for (let feed = queue.shift(); feed; feed = queue.shift()) {
        try {
          await syncOne(feed, { deps, log });
        } catch (err) {
          log.warn({ feedId: feed.id, err: (err as Error).message }, "calendar feed sync failed unexpectedly");
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_FETCHES, queue.length) }, worker));
  },
});
