import type { EntityManager } from "@mikro-orm/postgresql";
import { z } from "zod";
import { sql } from "../../db/sql.js";
import { feedOutcomeSchema } from "./status.js";

/** An imported feed as its host sees it: what it is, and how its polling goes. */
export const feedViewSchema = z
  .object({
    id: z.uuid(),
    listingId: z.uuid(),
    name: z.string(),
    url: z.string(),
    createdAt: z.iso.datetime(),
    lastSyncAt: z.iso.datetime().nullable().meta({ description: "When the last fetch ended, however it ended." }),
    lastSuccessAt: z.iso.datetime().nullable(),
    lastOutcome: feedOutcomeSchema.nullable().meta({
      description:
        "ok: new content applied; not_modified: the feed answered 304; failed: see lastError (nothing changed).",
    }),
    lastError: z.string().nullable(),
    eventCount: z.int().meta({ description: "Event occurrences of the last good copy, from today on." }),
    failures: z.int().meta({ description: "Failed fetches in a row (each one waits longer before the next)." }),
    nextSyncAt: z.iso.datetime(),
  })
  .meta({ id: "CalendarFeed" });
export type FeedView = z.infer<typeof feedViewSchema>;

/** The columns of a FeedView over calendar_feeds `f` (utc_iso(): migration bookingReadModel). */
export const FEED_VIEW_SQL = `jsonb_build_object('id', f.id, 'listingId', f.listing_id, 'name', f.name, 'url', f.url,
  'createdAt', utc_iso(f.created_at), 'lastSyncAt', utc_iso(f.last_sync_at), 'lastSuccessAt', utc_iso(f.last_success_at),
  'lastOutcome', f.last_outcome, 'lastError', f.last_error, 'eventCount', f.event_count, 'failures', f.failures,
  'nextSyncAt', utc_iso(f.next_sync_at)) as view`;

/** An imported event that met a Nexus reservation: the reservation stands; the host must settle it on the other channel. */
export const conflictViewSchema = z
  .object({
    id: z.uuid(),
    listingId: z.uuid(),
    listingTitle: z.string(),
    feedId: z.uuid(),
    feedName: z.string(),
    bookingId: z.uuid(),
    checkIn: z.iso.date().meta({ description: "The first night both claim." }),
    checkOut: z.iso.date(),
    detectedAt: z.iso.datetime(),
  })
  .meta({ id: "CalendarConflict" });
export type ConflictView = z.infer<typeof conflictViewSchema>;

/** The columns of a ConflictView over calendar_conflicts `c`. */
export const CONFLICT_VIEW_SQL = `jsonb_build_object('id', c.id, 'listingId', c.listing_id,
  'listingTitle', (select l.title from listings l where l.id = c.listing_id),
  'feedId', c.feed_id, 'feedName', (select f.name from calendar_feeds f where f.id = c.feed_id),
  'bookingId', c.booking_id, 'checkIn', to_char(c.check_in, 'YYYY-MM-DD'), 'checkOut', to_char(c.check_out, 'YYYY-MM-DD'),
  'detectedAt', utc_iso(c.detected_at)) as view`;

/** A listing's calendar sync settings: the export URL, the imported feeds, the conflicts not over yet. */
export const calendarViewSchema = z
  .object({
    listingId: z.uuid(),
    exportUrl: z.string().meta({
      description: "The listing's secret iCal feed: give it to other channels. Rotating it revokes this URL.",
    }),
    feeds: z.array(feedViewSchema),
    conflicts: z.array(conflictViewSchema).meta({ description: "Conflicts whose nights are not over, newest first." }),
  })
  .meta({ id: "CalendarSettings" });
export type CalendarView = z.infer<typeof calendarViewSchema>;

export async function loadConflictView(em: EntityManager, conflictId: string): Promise<ConflictView | null> {
  const [row] = await sql(em)<{ view: ConflictView }>(
    `select ${CONFLICT_VIEW_SQL} from calendar_conflicts c where c.id = ?`,
    [conflictId],
  );
  return row?.view ?? null;
}
