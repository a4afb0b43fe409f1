import { defineEntity, type InferEntity, p } from "@mikro-orm/core";
import { FEED_OUTCOMES } from "../../domain/calendars/status.js";
import { Booking } from "./booking.js";
import { Listing } from "./listing.js";
import { createdAt } from "./timestamps.js";
import { User } from "./user.js";

/**
 * An iCal feed of another channel that a listing imports (migration calendarSync): its name and URL,
 * and the state of its polling (when next, how the last fetch went, the validators for a conditional
 * GET). `host_id` is the listing's host, copied, so the poller can take one feed per host at a time.
 */
export const CalendarFeed = defineEntity({
  name: "CalendarFeed",
  tableName: "calendar_feeds",
  indexes: [{ name: "calendar_feeds_due_idx", properties: ["nextSyncAt"] }],
  uniques: [{ name: "calendar_feeds_listing_url_key", properties: ["listing", "url"] }],
  properties: {
    id: p.uuid().primary().defaultRaw("gen_random_uuid()"),
    listing: p.manyToOne(Listing).fieldName("listing_id"),
    host: p.manyToOne(User).fieldName("host_id"),
    name: p.string().length(100),
    url: p.string().length(2048),
    createdAt: createdAt(),
    nextSyncAt: p.datetime().defaultRaw("now()"),
    // Set while a worker fetches it, so a second poller run does not take it too.
    syncingSince: p.datetime().nullable(),
    lastSyncAt: p.datetime().nullable(),
    lastSuccessAt: p.datetime().nullable(),
    lastOutcome: p.enum([...FEED_OUTCOMES]).nullable(),
    lastError: p.string().length(500).nullable(),
    eventCount: p.integer().default(0),
    failures: p.integer().default(0),
    etag: p.string().length(500).nullable(),
    lastModified: p.string().length(100).nullable(),
  },
});
export type ICalendarFeed = InferEntity<typeof CalendarFeed>;

/** What the last good copy of a feed said: one row per event occurrence, its nights only (no summary). */
export const CalendarFeedEvent = defineEntity({
  name: "CalendarFeedEvent",
  tableName: "calendar_feed_events",
  checks: [{ name: "calendar_feed_events_dates_check", expression: "check_out > check_in" }],
  properties: {
    feed: p.manyToOne(CalendarFeed).fieldName("feed_id").primary().deleteRule("cascade"),
    eventKey: p.string().length(1100).primary(),
    uid: p.string().length(1000),
    checkIn: p.date(),
    checkOut: p.date(),
    sequence: p.integer().default(0),
    updatedAt: p.datetime().defaultRaw("now()"),
  },
});
export type ICalendarFeedEvent = InferEntity<typeof CalendarFeedEvent>;

/** An imported event that met a Nexus reservation: the reservation stands, the host was alerted once. */
export const CalendarConflict = defineEntity({
  name: "CalendarConflict",
  tableName: "calendar_conflicts",
  indexes: [{ name: "calendar_conflicts_listing_idx", properties: ["listing", "detectedAt"] }],
  uniques: [{ name: "calendar_conflicts_once", properties: ["feed", "eventKey", "booking"] }],
  properties: {
    id: p.uuid().primary().defaultRaw("gen_random_uuid()"),
    feed: p.manyToOne(CalendarFeed).fieldName("feed_id").deleteRule("cascade"),
    listing: p.manyToOne(Listing).fieldName("listing_id"),
    eventKey: p.string().length(1100),
    booking: p.manyToOne(Booking).fieldName("booking_id"),
    // The nights both claim.
    checkIn: p.date(),
    checkOut: p.date(),
    detectedAt: p.datetime().defaultRaw("now()"),
  },
});
export type ICalendarConflict = InferEntity<typeof CalendarConflict>;
