import { createHash } from "node:crypto";
import { z } from "zod";
import { sql } from "../../db/sql.js";
import { notFound } from "../../errors.js";
import { defineQuery } from "../commands/define.js";
import { escapeText, icsDate, icsText } from "./ics.js";

/** What an export token looks like (migration calendarSync: 32 random bytes in hex). */
export const exportTokenSchema = z.string().regex(/^[0-9a-f]{64}$/);

/** Stays that ended longer ago than this are left out of the feed (no other channel needs them). */
export const EXPORT_PAST_DAYS = 30;

/** The events' UIDs: stable for the life of the booking or block, the same in every download. */
export const exportUid = (kind: "booking" | "block", id: string) => `${kind}-${id}@nexus`;

export interface ExportedFeed {
  body: string;
  /** A strong validator: the body's hash, so an unchanged calendar answers 304 to If-None-Match. */
  etag: string;
}

interface Row {
  kind: "booking" | "block";
  id: string;
  check_in: string;
  check_out: string;
  sequence: number;
  modified: string;
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
    // One round trip: the listing and its events (a listing with no events still gives its row).
    const rows = await sql(em)<Row & { listing_id: string; title: string }>(
      `with l as (select id, title from listings where ical_token = ?)
       select l.id as listing_id, l.title, e.* from l left join lateral (
         select 'booking' as kind, b.id, to_char(b.check_in, 'YYYY-MM-DD') as check_in,
                to_char(b.check_out, 'YYYY-MM-DD') as check_out, b.ical_sequence as sequence,
                to_char(coalesce(b.ical_modified_at, b.created_at) at time zone 'UTC', 'YYYYMMDD"T"HH24MISS"Z"') as modified
           from bookings b
          where b.listing_id = l.id and booking_blocks_dates(b.status, b.expires_at)
            and b.check_out > current_date - ?::int
         union all
         select 'block', x.id, to_char(x.check_in, 'YYYY-MM-DD'), to_char(x.check_out, 'YYYY-MM-DD'), x.ical_sequence,
                to_char(coalesce(x.ical_modified_at, x.created_at) at time zone 'UTC', 'YYYYMMDD"T"HH24MISS"Z"')
           from listing_blocks x
          where x.listing_id = l.id and x.feed_id is null and x.check_out > current_date - ?::int
       ) e on true
       order by e.check_in, e.id`,
      [token, EXPORT_PAST_DAYS, EXPORT_PAST_DAYS],
    );
    if (!rows.length) throw notFound("calendar");
    const lines = [
      "BEGIN:VCALENDAR",
      "VERSION:2.0",
      "PRODID:-//Nexus//Calendar export 1.0//EN",
      "CALSCALE:GREGORIAN",
      "METHOD:PUBLISH",
      `X-WR-CALNAME:${escapeText(rows[0].title)}`,
    ];
    for (const row of rows) {
      if (!row.id) continue; // the listing's row when it has no events
      lines.push(
        "BEGIN:VEVENT",
        `UID:${exportUid(row.kind, row.id)}`,
        // Without METHOD REQUEST, DTSTAMP is when the event was last revised (RFC 5545 3.8.7.2).
        `DTSTAMP:${row.modified}`,
        `LAST-MODIFIED:${row.modified}`,
        `SEQUENCE:${row.sequence}`,
        `DTSTART;VALUE=DATE:${icsDate(row.check_in)}`,
        `DTEND;VALUE=DATE:${icsDate(row.check_out)}`,
        row.kind === "booking" ? "SUMMARY:Reserved" : "SUMMARY:Blocked",
        "TRANSP:OPAQUE",
        "END:VEVENT",
      );
    }
    lines.push("END:VCALENDAR");
    const body = icsText(lines);
    const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 32)}"`;
    return { body, etag };
  },
});
