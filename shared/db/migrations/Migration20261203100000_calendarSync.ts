import { Migration } from "@mikro-orm/migrations";

/**
 * Issue 21, calendar sync with other channels through iCal feeds.
 *
 * Export: every listing has a secret feed token (listings.ical_token, 64 hex characters from
 * pgcrypto's gen_random_bytes: 256 random bits), so every listing has a feed URL from the start; the
 * host rotates it (a new value), which revokes the old URL. Its unique index finds the listing of a
 * token in one probe. A feed's events are the listing's blocking bookings and host blocks: a VEVENT's
 * SEQUENCE and LAST-MODIFIED are `ical_sequence` and `ical_modified_at` of its row, bumped by a
 * trigger when its nights change (nothing in Nexus moves a stay's dates yet; the trigger keeps the
 * promise if something does). Other updates (status, notes, updated_at) do not call it.
 *
 * Import: calendar_feeds are a listing's imported feeds (name, URL, the state of their polling);
 * calendar_feed_events what the last good copy of each feed said, one row per event occurrence
 * keyed by feed and UID (plus the RECURRENCE-ID of a recurring event's occurrence): only its nights,
 * never its summary or description (other marketplaces put guests' names and phone digits there).
 * The nights are kept off the market by listing_blocks rows with feed_id set ("external blocks"),
 * so they obey listing_occupancy_no_overlap, the guard triggers and the listing_gaps triggers
 * exactly as host blocks do (no trigger here needs to know about them). An event's nights that
 * a Nexus reservation or another block already takes get no block (the command computes the free
 * parts under the listing's availability lock), so an event may own several rows, one per free part
 * (listing_blocks_external_key: feed, event key, check-in). Where an event meets an active booking,
 * calendar_conflicts records it once per (feed, event, booking), which is what alerts the host once.
 */
export class Migration20261203100000_calendarSync extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
alter table listings add column ical_token text not null default encode(gen_random_bytes(32), 'hex');`);
    this.addSql("create unique index listings_ical_token_key on listings (ical_token);");

    this.addSql(`
create table calendar_feeds (
  id uuid not null default gen_random_uuid(),
  listing_id uuid not null constraint calendar_feeds_listing_id_foreign references listings (id) on update cascade,
  host_id uuid not null constraint calendar_feeds_host_id_foreign references users (id) on update cascade,
  name varchar(100) not null,
  url varchar(2048) not null,
  created_at timestamptz not null default now(),
  next_sync_at timestamptz not null default now(),
  syncing_since timestamptz null,
  last_sync_at timestamptz null,
  last_success_at timestamptz null,
  last_outcome text null check (last_outcome in ('ok', 'not_modified', 'failed')),
  last_error varchar(500) null,
  event_count int not null default 0,
  failures int not null default 0,
  etag varchar(500) null,
  last_modified varchar(100) null,
  constraint calendar_feeds_pkey primary key (id),
  constraint calendar_feeds_listing_url_key unique (listing_id, url));`);
    this.addSql("create index calendar_feeds_due_idx on calendar_feeds (next_sync_at);");

    this.addSql(`
create table calendar_feed_events (
  feed_id uuid not null constraint calendar_feed_events_feed_id_foreign references calendar_feeds (id)
    on update cascade on delete cascade,
  event_key varchar(1100) not null,
  uid varchar(1000) not null,
  check_in date not null,
  check_out date not null,
  sequence int not null default 0,
  updated_at timestamptz not null default now(),
  constraint calendar_feed_events_pkey primary key (feed_id, event_key),
  constraint calendar_feed_events_dates_check check (check_out > check_in));`);

    this.addSql(`
alter table listing_blocks
  add column feed_id uuid null constraint listing_blocks_feed_id_foreign references calendar_feeds (id)
    on update cascade on delete cascade,
  add column external_key varchar(1100) null,
  add column ical_sequence int not null default 0,
  add column ical_modified_at timestamptz null,
  add constraint listing_blocks_external_check check ((feed_id is null) = (external_key is null));`);
    this.addSql(`
create unique index listing_blocks_external_key on listing_blocks (feed_id, external_key, check_in)
  where feed_id is not null;`);

    this.addSql(`
create table calendar_conflicts (
  id uuid not null default gen_random_uuid(),
  feed_id uuid not null constraint calendar_conflicts_feed_id_foreign references calendar_feeds (id)
    on update cascade on delete cascade,
  listing_id uuid not null constraint calendar_conflicts_listing_id_foreign references listings (id) on update cascade,
  event_key varchar(1100) not null,
  booking_id uuid not null constraint calendar_conflicts_booking_id_foreign references bookings (id) on update cascade,
  check_in date not null,
  check_out date not null,
  detected_at timestamptz not null default now(),
  constraint calendar_conflicts_pkey primary key (id),
  constraint calendar_conflicts_once unique (feed_id, event_key, booking_id));`);
    this.addSql("create index calendar_conflicts_listing_idx on calendar_conflicts (listing_id, detected_at);");

    this.addSql(
      "alter table bookings add column ical_sequence int not null default 0, add column ical_modified_at timestamptz null;",
    );
    this.addSql(`
create function ical_revision() returns trigger language plpgsql as $fn$
begin
  new.ical_sequence := old.ical_sequence + 1;
  new.ical_modified_at := now();
  return new;
end
$fn$;`);
    this.addSql(`
create trigger bookings_ical_revision before update of check_in, check_out on bookings
  for each row when ((old.check_in, old.check_out) is distinct from (new.check_in, new.check_out))
  execute function ical_revision();`);
    this.addSql(`
create trigger listing_blocks_ical_revision before update of check_in, check_out on listing_blocks
  for each row when ((old.check_in, old.check_out) is distinct from (new.check_in, new.check_out))
  execute function ical_revision();`);
  }

  override async down(): Promise<void> {
    this.addSql("drop trigger listing_blocks_ical_revision on listing_blocks;");
    this.addSql("drop trigger bookings_ical_revision on bookings;");
    this.addSql("drop function ical_revision();");
    this.addSql("alter table bookings drop column ical_sequence, drop column ical_modified_at;");
    this.addSql("drop table calendar_conflicts;");
    this.addSql("delete from listing_blocks where feed_id is not null;");
    this.addSql(`
alter table listing_blocks drop constraint listing_blocks_external_check, drop column feed_id,
  drop column external_key, drop column ical_sequence, drop column ical_modified_at;`);
    this.addSql("drop table calendar_feed_events;");
    this.addSql("drop table calendar_feeds;");
    this.addSql("alter table listings drop column ical_token;");
  }
}
