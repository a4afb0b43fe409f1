import { z } from "zod";
import { config } from "../../config.js";
import { sql } from "../../db/sql.js";
import { nightsFreed, type StayOfListing } from "../bookings/availability.js";
import { declineLapsedRequests } from "../bookings/declineLapsedRequests.js";
import { expireHolds } from "../bookings/expireHolds.js";
import { emitAvailabilityChanged, lockListingAvailability } from "../bookings/listingAvailability.js";
import { todayUtc } from "../bookings/stayInput.js";
import { defineCommand } from "../commands/define.js";
import type { CommandTx } from "../commands/unitOfWork.js";
import { BLOCK_HORIZON_DAYS } from "../listings/blocks.js";
import { intersection, type Span, subtract } from "./nights.js";
import { CONFLICT_VIEW_SQL, type ConflictView } from "./view.js";

const feedEventSchema = z.object({
  key: z.string().min(1).max(1100),
  uid: z.string().min(1).max(1000),
  checkIn: z.iso.date(),
  checkOut: z.iso.date(),
  sequence: z.int().min(0).max(2_147_483_647).catch(0),
});

/** What a fetch of the feed gave: new content (parsed), the same content (304), or a failure (nothing changes). */
export const feedSyncInput = z.object({
  feedId: z.guid(),
  result: z.discriminatedUnion("outcome", [
    z.object({
      outcome: z.literal("ok"),
      events: z.array(feedEventSchema).max(10_000),
      etag: z.string().max(500).nullable(),
      lastModified: z.string().max(100).nullable(),
    }),
    z.object({ outcome: z.literal("not_modified") }),
    z.object({ outcome: z.literal("failed"), error: z.string() }),
  ]),
});

export interface FeedSyncResult {
  status: "applied" | "failed" | "gone";
  taken: number;
  freed: number;
  conflicts: number;
}

/** ±20 % of `seconds`, so feeds added together do not stay in step. */
const jittered = (seconds: number) => seconds * (0.8 + Math.random() * 0.4);

/** Seconds until a feed that failed `failures` times in a row is tried again (doubling, capped). */
export function retryDelaySeconds(failures: number): number {
  const doubled = config.ICAL_RETRY_BASE_SECONDS * 2 ** Math.min(Math.max(failures - 1, 0), 30);
  return jittered(Math.min(doubled, config.ICAL_RETRY_MAX_MINUTES * 60));
}

interface FeedRow {
  listing_id: string;
  host_id: string;
  failures: number;
}

/**
 * Applies one fetch of an imported feed (the worker fetched and parsed it; see syncCalendarFeeds).
 *
 * A failure changes nothing but the feed's status: its error, one more failure, and a later retry
 * (retryDelaySeconds). Otherwise the events the feed gave replace the ones kept for it (new keys
 * inserted, changed ones updated, vanished ones deleted; a 304 keeps them), and the feed's external
 * blocks are brought in line with them under the listing's availability lock: each event takes the
 * nights that no Nexus reservation, host block, other feed or earlier event of this feed takes
 * already (one listing_blocks row per free part, obeying the same exclusion constraint as everything
 * else), so an event never displaces a reservation. Where an event meets an active reservation, the
 * reservation stays, the conflict is recorded once (calendar_conflicts_once) and the host is alerted
 * at once: a `calendar.conflict` event and an email, both committed with it. Done on every good
 * fetch, unchanged or not, so nights a cancelled reservation gives back to an imported event are
 * blocked at the next poll. Rows that stay as they were are not touched (no trigger, no search change).
 */
export const applyFeedSync = defineCommand({
  name: "calendars.feeds.sync",
  actor: "system",
  input: feedSyncInput,
  outcome: (r: FeedSyncResult) => r.status,
  async run({ input: { feedId, result }, tx }): Promise<FeedSyncResult> {
    const none = { taken: 0, freed: 0, conflicts: 0 };
    const [feed] = await sql(tx.em)<FeedRow>(
      "select listing_id, host_id, failures from calendar_feeds where id = ? for update",
      [feedId],
    );
    if (!feed) return { status: "gone", ...none }; // removed while it was being fetched

    if (result.outcome === "failed") {
      await sql(tx.em)(
        `update calendar_feeds set syncing_since = null, last_sync_at = now(), last_outcome = 'failed',
           last_error = left(?, 500), failures = failures + 1, next_sync_at = now() + make_interval(secs => ?)
         where id = ?`,
        [result.error, retryDelaySeconds(feed.failures + 1), feedId],
      );
      return { status: "failed", ...none };
    }

    await lockListingAvailability(tx, feed.listing_id);
    if (result.outcome === "ok") await replaceEvents(tx, feedId, result.events);
    const changes = await reconcileBlocks(tx, feedId, feed);

    await sql(tx.em)(
      `update calendar_feeds set syncing_since = null, last_sync_at = now(), last_success_at = now(),
         last_outcome = ?, last_error = null, failures = 0, next_sync_at = now() + make_interval(secs => ?),
         event_count = (select count(*) from calendar_feed_events where feed_id = ?)
         ${result.outcome === "ok" ? ", etag = ?, last_modified = ?" : ""}
       where id = ?`,
      [
        result.outcome,
        jittered(config.ICAL_POLL_MINUTES * 60),
        feedId,
        ...(result.outcome === "ok" ? [result.etag, result.lastModified] : []),
        feedId,
      ],
    );
    return { status: "applied", ...changes };
  },
});

/** The feed's kept events become exactly `events`: inserted, updated where they changed, deleted where they vanished. */
async function replaceEvents(tx: CommandTx, feedId: string, events: z.output<typeof feedEventSchema>[]): Promise<void> {
  const unique = [...new Map(events.map((e) => [e.key, e])).values()];
  await sql(tx.em)(
    `delete from calendar_feed_events e where e.feed_id = ?
        and not exists (select 1 from jsonb_array_elements(?::jsonb) n where n->>'key' = e.event_key)`,
    [feedId, JSON.stringify(unique.map((e) => ({ key: e.key })))],
  );
  await sql(tx.em)(
    `insert into calendar_feed_events as e (feed_id, event_key, uid, check_in, check_out, sequence)
     select ?, n->>'key', n->>'uid', (n->>'checkIn')::date, (n->>'checkOut')::date, (n->>'sequence')::int
       from jsonb_array_elements(?::jsonb) n
     on conflict (feed_id, event_key) do update
       set uid = excluded.uid, check_in = excluded.check_in, check_out = excluded.check_out,
           sequence = excluded.sequence, updated_at = now()
     where (e.check_in, e.check_out, e.sequence) is distinct from (excluded.check_in, excluded.check_out, excluded.sequence)`,
    [feedId, JSON.stringify(unique)],
  );
}

interface Occupant extends Span {
  kind: "booking" | "block";
  id: string;
}
interface ExternalRow extends Span {
  id: string;
  key: string;
}

async function reconcileBlocks(
  tx: CommandTx,
  feedId: string,
  feed: FeedRow,
): Promise<{ taken: number; freed: number; conflicts: number }> {
  const listingId = feed.listing_id;
  const today = todayUtc();
  const horizon = { checkIn: today, checkOut: addDays(today, BLOCK_HORIZON_DAYS + 1) };
  // Lapsed holds and requests stand in no one's way (as createBlock does before its insert).
  await expireHolds(tx, { listingId, range: horizon });
  await declineLapsedRequests(tx, { listingId, range: horizon });

  const q = sql(tx.em);
  const events = await q<Span & { key: string }>(
    `select event_key as key, to_char(check_in, 'YYYY-MM-DD') as "checkIn", to_char(check_out, 'YYYY-MM-DD') as "checkOut"
       from calendar_feed_events where feed_id = ? and check_out > ?::date order by check_in, event_key`,
    [feedId, today],
  );
  // Everything else on the listing's calendar (listing_occupancy: active bookings and every block).
  const others = await q<Occupant>(
    `select o.kind, o.id, to_char(lower(o.during), 'YYYY-MM-DD') as "checkIn", to_char(upper(o.during), 'YYYY-MM-DD') as "checkOut"
       from listing_occupancy o
      where o.listing_id = ? and upper(o.during) > ?::date
        and not exists (select 1 from listing_blocks x where x.id = o.id and x.feed_id = ?)`,
    [listingId, today, feedId],
  );
  const existing = await q<ExternalRow>(
    `select id, external_key as key, to_char(check_in, 'YYYY-MM-DD') as "checkIn", to_char(check_out, 'YYYY-MM-DD') as "checkOut"
       from listing_blocks where feed_id = ?`,
    [feedId],
  );

  const wanted: (Span & { key: string })[] = [];
  const meets: { key: string; bookingId: string; nights: Span }[] = [];
  const claimed: Span[] = [...others];
  for (const event of events) {
    for (const o of others) {
      const both = o.kind === "booking" ? intersection(event, o) : null;
      if (both) meets.push({ key: event.key, bookingId: o.id, nights: both });
    }
    for (const part of subtract(event, claimed)) {
      wanted.push({ key: event.key, ...part });
      claimed.push(part);
    }
  }

  const id = (s: Span & { key: string }) => `${s.key}\u0000${s.checkIn}\u0000${s.checkOut}`;
  const wantedIds = new Set(wanted.map(id));
  const existingIds = new Set(existing.map(id));
  const stale = existing.filter((row) => !wantedIds.has(id(row)));
  const fresh = wanted.filter((span) => !existingIds.has(id(span)));

  let freed: StayOfListing[] = [];
  if (stale.length) {
    freed = await q<StayOfListing>(
      `delete from listing_blocks b using listings l
        where b.id = any(?::uuid[]) and l.id = b.listing_id
        returning to_char(b.check_in, 'YYYY-MM-DD') as check_in, to_char(b.check_out, 'YYYY-MM-DD') as check_out,
                  l.city, l.country`,
      [`{${stale.map((s) => s.id).join(",")}}`],
    );
  }
  if (fresh.length) {
    await q(
      `insert into listing_blocks (listing_id, check_in, check_out, created_by_id, feed_id, external_key)
       select ?, (n->>'checkIn')::date, (n->>'checkOut')::date, ?, ?, n->>'key' from jsonb_array_elements(?::jsonb) n`,
      [listingId, feed.host_id, feedId, JSON.stringify(fresh)],
    );
  }

  let conflicts = 0;
  if (meets.length) {
    const recorded = await q<{ view: ConflictView }>(
      `with n as (
         insert into calendar_conflicts (feed_id, listing_id, event_key, booking_id, check_in, check_out)
         select ?, ?, n->>'key', (n->>'bookingId')::uuid, (n->>'checkIn')::date, (n->>'checkOut')::date
           from jsonb_array_elements(?::jsonb) n
         on conflict on constraint calendar_conflicts_once do nothing
         returning *)
       select ${CONFLICT_VIEW_SQL} from n c`,
      [feedId, listingId, JSON.stringify(meets.map((m) => ({ key: m.key, bookingId: m.bookingId, ...m.nights })))],
    );
    for (const { view } of recorded) {
      await tx.emit({ type: "calendar.conflict", userIds: [feed.host_id], data: view });
      await tx.sideEffect("email", `email:calendar_conflict_host:${view.id}`, {
        template: "calendar_conflict_host",
        bookingId: view.bookingId,
        recipientUserId: feed.host_id,
        conflictId: view.id,
      });
    }
    conflicts = recorded.length;
  }

  if (stale.length || fresh.length) {
    await emitAvailabilityChanged(tx, listingId);
    tx.searchChanged(
      ...freed.map((stay) => nightsFreed(listingId, stay)),
      ...fresh.map((span) => ({
        kind: "taken" as const,
        listingId,
        nights: { checkIn: span.checkIn, checkOut: span.checkOut },
      })),
    );
  }
  return { taken: fresh.length, freed: freed.length, conflicts };
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
