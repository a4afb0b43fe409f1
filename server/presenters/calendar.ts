import { z } from "zod";
import {
  type CalendarView,
  type ConflictView,
  calendarViewSchema,
  type conflictViewSchema,
  type FeedView,
  feedViewSchema,
} from "../../shared/domain/calendars/view.js";

/** What a listing's calendar sync looks like on the wire (its host and admins only). */
export const calendarResponseSchema = z.object({ calendar: calendarViewSchema });
export const feedResponseSchema = z.object({ feed: feedViewSchema });
export const exportUrlResponseSchema = z
  .object({ exportUrl: z.string().meta({ description: "The new export URL; the old one answers 404." }) })
  .meta({ id: "CalendarExportUrl" });

export function presentFeed(view: FeedView): z.infer<typeof feedViewSchema> {
  return {
    id: view.id,
    listingId: view.listingId,
    name: view.name,
    url: view.url,
    createdAt: view.createdAt,
    lastSyncAt: view.lastSyncAt,
    lastSuccessAt: view.lastSuccessAt,
    lastOutcome: view.lastOutcome,
    lastError: view.lastError,
    eventCount: view.eventCount,
    failures: view.failures,
    nextSyncAt: view.nextSyncAt,
  };
}

export function presentConflict(view: ConflictView): z.infer<typeof conflictViewSchema> {
  return {
    id: view.id,
    listingId: view.listingId,
    listingTitle: view.listingTitle,
    feedId: view.feedId,
    feedName: view.feedName,
    bookingId: view.bookingId,
    checkIn: view.checkIn,
    checkOut: view.checkOut,
    detectedAt: view.detectedAt,
  };
}

export function presentCalendar(view: CalendarView): z.infer<typeof calendarViewSchema> {
  return {
    listingId: view.listingId,
    exportUrl: view.exportUrl,
    feeds: view.feeds.map(presentFeed),
    conflicts: view.conflicts.map(presentConflict),
  };
}
