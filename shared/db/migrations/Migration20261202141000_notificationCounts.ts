import { Migration } from "@mikro-orm/migrations";

/**
 * Issue 15: the unread count without counting. `count(*)` of a host's events newer than the read
 * mark read every one of them (220 ms for a host with 300,000 events, on every notifications page).
 * Now a user's unread count is
 *
 *     notification_counts.events + (their rows in notification_log) - users.notifications_read_count
 *
 * - notification_log: one row per recipient of every event, appended in the event's own statement
 *   (a statement trigger over the inserted rows), so it commits with the event and never locks
 *   anything another writer needs: no counter row is updated on the write path, and two bookings of
 *   one busy host never queue on each other.
 * - notification_counts: the log folded into one number per user. Folding deletes the rows it adds
 *   up in the same transaction (compactNotificationLog()), so a row is counted exactly once, in the
 *   log or in the total, whatever commits meanwhile: an event that commits later is still in the
 *   log, and no id order is relied on.
 * - users.notifications_read_count: how many of the user's events were committed with an id up to
 *   the read mark when it was set (markRead); events that commit later count as unread, even with a
 *   lower id, which is when the user can first see them.
 */
export class Migration20261202141000_notificationCounts extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create table notification_log (id bigserial, user_id uuid not null,
  constraint notification_log_pkey primary key (id));`);
    this.addSql(`create index notification_log_user_idx on notification_log (user_id);`);
    this.addSql(`
create table notification_counts (user_id uuid not null, events bigint not null default 0,
  constraint notification_counts_pkey primary key (user_id));`);
    this.addSql(`alter table users add column notifications_read_count bigint not null default 0;`);
    this.addSql(`
create function events_log_recipients() returns trigger language plpgsql as $fn$
begin
  insert into notification_log (user_id) select unnest(e.user_ids) from inserted_events e;
  return null;
end
$fn$;`);
    this.addSql(`
create trigger events_log_recipients after insert on events referencing new table as inserted_events
  for each statement execute function events_log_recipients();`);
    // Every count anew from the events there are, set-based: here, and after bulk loads without
    // triggers (npm run seed:scale).
    this.addSql(`
create function notification_counts_rebuild() returns bigint language plpgsql as $fn$
declare
  written bigint;
begin
  lock table notification_log, notification_counts in exclusive mode;
  delete from notification_log;
  delete from notification_counts;
  insert into notification_counts (user_id, events)
  select t.uid, count(*) from events e, unnest(e.user_ids) as t(uid) group by t.uid;
  get diagnostics written = row_count;
  update users s set notifications_read_count = r.n
    from (select t.uid, count(*) as n from events e cross join unnest(e.user_ids) as t(uid)
            join users x on x.id = t.uid where e.id <= x.notifications_read_up_to group by t.uid) r
   where s.id = r.uid;
  return written;
end
$fn$;`);
    this.addSql("select notification_counts_rebuild();");
  }

  override async down(): Promise<void> {
    this.addSql("drop function notification_counts_rebuild();");
    this.addSql("drop trigger events_log_recipients on events;");
    this.addSql("drop function events_log_recipients();");
    this.addSql("alter table users drop column notifications_read_count;");
    this.addSql("drop table notification_counts;");
    this.addSql("drop table notification_log;");
  }
}
