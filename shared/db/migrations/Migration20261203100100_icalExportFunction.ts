import { Migration } from "@mikro-orm/migrations";

/** A VEVENT's DTSTAMP and LAST-MODIFIED (UTC), from row `t`'s revision time. */
const modified = (t: string) =>
  `to_char(coalesce(${t}.ical_modified_at, ${t}.created_at) at time zone 'UTC', 'YYYYMMDD"T"HH24MISS"Z"')`;

/**
 * One VEVENT as text from row `t` (a booking or a host block): all-day (DTEND is the check-out day),
 * a UID stable for the row's life, SEQUENCE and LAST-MODIFIED, a SUMMARY without guest data. Every
 * line is ASCII and under 75 octets (the longest, the UID, is 50), so none needs folding.
 */
const vevent = (t: string, kind: "booking" | "block", summary: string) => `
  'BEGIN:VEVENT' || E'\\r\\n' || 'UID:${kind}-' || ${t}.id || '@nexus' || E'\\r\\n'
  || 'DTSTAMP:' || m.at || E'\\r\\n' || 'LAST-MODIFIED:' || m.at || E'\\r\\n'
  || 'SEQUENCE:' || ${t}.ical_sequence || E'\\r\\n'
  || 'DTSTART;VALUE=DATE:' || to_char(${t}.check_in, 'YYYYMMDD') || E'\\r\\n'
  || 'DTEND;VALUE=DATE:' || to_char(${t}.check_out, 'YYYYMMDD') || E'\\r\\n'
  || 'SUMMARY:${summary}' || E'\\r\\n' || 'TRANSP:OPAQUE' || E'\\r\\n' || 'END:VEVENT' || E'\\r\\n'`;

/**
 * Issue 21, the export's one statement as a function (shared/domain/calendars/exportFeed.ts calls it):
 * the listing of a token and its events as iCalendar text, built by PostgreSQL where the rows are.
 * A plpgsql function keeps its plan per connection, so the feed is not planned again on every
 * request (planning the lateral union costs more than running it for 500 events). The rule for which
 * bookings appear is booking_blocks_dates() (migration bookingReadModel), as availability's; blocks
 * imported from other feeds are left out (exporting them back would echo other channels' own events).
 */
export class Migration20261203100100_icalExportFunction extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create function listing_ical_feed(p_token text, p_past_days int)
returns table (listing_id uuid, title text, events text) language plpgsql stable parallel safe as $fn$
begin
  return query
  select l.id, l.title::text, coalesce(string_agg(e.text, '' order by e.check_in, e.id), '')
    from listings l left join lateral (
      select b.check_in, b.id, ${vevent("b", "booking", "Reserved")} as text
        from bookings b, lateral (select ${modified("b")} as at) m
       where b.listing_id = l.id and booking_blocks_dates(b.status, b.expires_at)
         and b.check_out > current_date - p_past_days
      union all
      select x.check_in, x.id, ${vevent("x", "block", "Blocked")}
        from listing_blocks x, lateral (select ${modified("x")} as at) m
       where x.listing_id = l.id and x.feed_id is null and x.check_out > current_date - p_past_days
    ) e on true
   where l.ical_token = p_token
   group by l.id, l.title;
end
$fn$;`);
  }

  override async down(): Promise<void> {
    this.addSql("drop function listing_ical_feed(text, int);");
  }
}
