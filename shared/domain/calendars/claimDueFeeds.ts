import { z } from "zod";
import { sql } from "../../db/sql.js";
import { defineCommand } from "../commands/define.js";

/** A fetch that has not reported for this long is taken as dead (a killed worker), and its feed is due again. */
export const SYNC_LEASE_SECONDS = 300;

export interface DueFeed {
  id: string;
  url: string;
  etag: string | null;
  lastModified: string | null;
  /** The listing's IANA time zone: the calendar in which a timed event's nights are counted. */
  timeZone: string;
}

/**
 * Takes the feeds whose next poll is due, at most `limit`, and never two of one host, nor one of a
 * host whose other feed is still being fetched (one feed at a time per host: a host's feeds are
 * usually on the same few channels, which should not see a burst from us). Taken feeds are marked
 * `syncing_since` until applyFeedSync reports their fetch; a mark older than SYNC_LEASE_SECONDS is
 * ignored, so a killed worker's feeds come back by themselves. Oldest due first. An archived listing's
 * feeds are not polled (nothing can be booked there any more).
 */
export const claimDueFeeds = defineCommand({
  name: "calendars.feeds.claimDue",
  actor: "system",
  input: z.object({ limit: z.int().min(1).max(1000) }),
  async run({ input: { limit }, tx }): Promise<DueFeed[]> {
    return sql(tx.em)<DueFeed>(
      `with busy as (
         select distinct host_id from calendar_feeds
          where syncing_since > now() - make_interval(secs => ?)),
       due as (
         select * from (
           select distinct on (f.host_id) f.id, f.next_sync_at
             from calendar_feeds f join listings fl on fl.id = f.listing_id and fl.status = 'active'
            where f.next_sync_at <= now()
              and (f.syncing_since is null or f.syncing_since <= now() - make_interval(secs => ?))
              and f.host_id not in (select host_id from busy)
            order by f.host_id, f.next_sync_at) d
          order by d.next_sync_at limit ?)
       update calendar_feeds f set syncing_since = now()
         from due, listings l
        where f.id = due.id and l.id = f.listing_id
       returning f.id, f.url, f.etag, f.last_modified as "lastModified", l.time_zone as "timeZone"`,
      [SYNC_LEASE_SECONDS, SYNC_LEASE_SECONDS, limit],
    );
  },
});
