import { createHash } from "node:crypto";
import { z } from "zod";
import { sql } from "../../db/sql.js";
import { notFound } from "../../errors.js";
import { defineQuery } from "../commands/define.js";
import { escapeText, icsText } from "./ics.js";

/** What an export token looks like (migration calendarSync: 32 random bytes in hex). */
export const exportTokenSchema = z.string().regex(/^[0-9a-f]{64}$/);

/** Stays that ended longer ago than this are left out of the feed (no other channel needs them). */
export const EXPORT_PAST_DAYS = 30;

export interface ExportedFeed {
  body: string;
  /** A strong validator: the body's hash, so an unchanged calendar answers 304 to If-None-Match. */
  etag: string;
}

/**
 * The feed behind a listing's secret URL (/ical/<token>.ics): every booking that blocks its dates now
 * (booking_blocks_dates(), the rule availability and search use: confirmed, requested, and unpaid
 * holds that have not lapsed) as "Reserved", and every host block as "Blocked", as all-day events
 * (DTEND is the check-out day, exclusive, as RFC 5545 reads DATE values), with no guest data.
 * External blocks (imported from other channels) are left out: exporting them back would make two
 * channels that import each other see their own reservations come back as foreign events.
 * An unknown token (a rotated one among them) is 404.
 */
export const exportFeed = defineQuery({
  name: "calendars.export",
  actor: "system",
  input: z.object({ token: exportTokenSchema }),
  async run({ input: { token }, em }): Promise<ExportedFeed> {
    // listing_ical_feed() (migration icalExportFunction) builds the events' text where the rows are.
    const [row] = await sql(em)<{ title: string; events: string }>(
      "select title, events from listing_ical_feed(?, ?)",
      [token, EXPORT_PAST_DAYS],
    );
    if (!row) throw notFound("calendar");
    const head = icsText([
      "BEGIN:VCALENDAR",
      "VERSION:2.0",
      "PRODID:-//Nexus//Calendar export 1.0//EN",
      "CALSCALE:GREGORIAN",
      "METHOD:PUBLISH",
      `X-WR-CALNAME:${escapeText(row.title)}`,
    ]);
    const body = `${head}${row.events}END:VCALENDAR\r\n`;
    const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 32)}"`;
    return { body, etag };
  },
});
