import { Migration } from "@mikro-orm/migrations";
import { WATERMARK_QUERY } from "./Migration20261206100000_eventWatermarkOnce.js";

/**
 * Issue 16: an event waits only for the transactions that are writing events, not for every
 * transaction that holds an id.
 *
 * Until now the watermark was the oldest top-level transaction of the database still running (bar
 * the relay's own and other databases'): an event committed while an unrelated transaction was
 * between its first write and its commit waited for that commit, WAL flush included, although that
 * transaction's events (if any) would come after it. With durable commits that was the booking →
 * socket p99: one more flush of someone else's.
 *
 * Every outbox row is written in a subtransaction of its own, so its xmin is an id given when it is
 * written. A running transaction can therefore put a row below a candidate only once it has begun
 * writing events. Writers say so, in their session's application_name, which pg_stat_activity shows
 * (SET LOCAL: it reverts when the transaction ends):
 *   1. 'nexus-events' before the subtransaction (before its id exists);
 *   2. 'nexus-events:<xid>' after it, the row's xmin (the first one's, if it writes events again).
 * event_watermark() counts a running transaction of this database by that xid in state 2, by its
 * top-level id in state 1 or when it cannot place it (it ended since the snapshot: it may have
 * written), and not at all otherwise: it had not begun writing events when pg_stat_activity was
 * read, after the snapshot was taken, so any row it writes gets an id above the snapshot's xmax.
 *
 * The writers: the COMMIT-carried INSERT (shared/events/record.ts), record_events() (recordEvents)
 * and hold_booking_dates() (edited in place: its events INSERT goes into a subtransaction, marked).
 * A trigger refuses an INSERT into event_outbox from a session not in state 1 or 2, so a writer that
 * skips the protocol fails loudly instead of breaking the order.
 */
const MARK_BEGIN = `if current_setting('application_name') not like 'nexus-events%' then
    perform set_config('application_name', 'nexus-events', true);
  end if;`;

const HOLD_EVENTS_BEFORE = `  with written as (
    insert into event_outbox (type, user_ids, listing_id, data)
    values ('booking.created', array[l.host_id], null, v_view),
           ('listing.availability', '{}', b.listing_id,
            jsonb_build_object('listingId', b.listing_id, 'blocked', v_blocked))
    returning id, type, user_ids, listing_id, data, created_at
  )
  select jsonb_agg(to_jsonb(written) order by id) into v_events from written;
`;
const HOLD_EVENTS_AFTER = `  ${MARK_BEGIN}
  begin
${HOLD_EVENTS_BEFORE}  perform events_written((v_events->0->>'id')::bigint);
  exception when others then raise;
  end;
`;

const HOLD_SIGNATURE =
  "hold_booking_dates(uuid, uuid, uuid, date, date, int, int, jsonb, int, bigint, int, int, int, int, jsonb, jsonb, int, text, int)";

/** Replaces `from` by `to` in hold_booking_dates(), once, or fails. */
const editHold = (from: string, to: string) => `
do $edit$
declare def text := pg_get_functiondef('${HOLD_SIGNATURE}'::regprocedure);
begin
  if position(${dollar(from)} in def) = 0 then
    raise exception 'hold_booking_dates() is not the one this migration knows';
  end if;
  execute replace(def, ${dollar(from)}, ${dollar(to)});
end $edit$;`;

function dollar(text: string): string {
  if (text.includes("$q$")) throw new Error("quote tag in text");
  return `$q$${text}$q$`;
}

/** event_watermark() as this migration defines it (migration eventCarriedMark's down() restores it). */
export const WRITERS_WATERMARK_FUNCTION = `
create or replace function event_watermark() returns xid8 language plpgsql stable parallel restricted as $fn$
begin
  return (
  with s as (select pg_current_snapshot() as snap),
  running as (select x, x::text::bigint % 4294967296 as x32 from s, pg_snapshot_xip(s.snap) as x),
  -- Read once per call, and only when some transaction runs at all.
  activity as (
    select a.backend_xid::text::bigint as xid32,
           a.datid = (select oid from pg_database where datname = current_database()) as here,
           a.application_name as app
      from pg_stat_get_activity(null) a
     where a.backend_xid is not null and exists (select 1 from running)),
  counted as (
    select case
             when a.app like 'nexus-events:%' then
               -- The row's xid (32 bits) in its transaction's epoch: it was given after the top-level one.
               (r.x::text::bigint - r.x32 + substr(a.app, 14)::bigint
                + case when substr(a.app, 14)::bigint < r.x32 then 4294967296 else 0 end)::text::xid8
             else r.x
           end as c
      from running r left join activity a on a.xid32 = r.x32
     where a.xid32 is null                                  -- ended since: it may have written
        or (a.here and a.app like 'nexus-events%'))         -- writing events now
  select coalesce((select min(c) from counted), (select pg_snapshot_xmax(snap) from s)));
end
$fn$;`;

/** The outbox writers' check as this migration defines it, after `create ` or `create or replace `. */
export const WRITER_CHECK_FUNCTION = `function event_outbox_writer_check() returns trigger language plpgsql as $fn$
begin
  if current_setting('application_name') not like 'nexus-events%' then
    raise exception 'event_outbox is written by record_events(), hold_booking_dates() or the COMMIT-carried INSERT only'
      using hint = 'set application_name to nexus-events (SET LOCAL) and write in a subtransaction: see migration eventWriters';
  end if;
  return null;
end
$fn$;`;

export class Migration20261206120000_eventWriters extends Migration {
  override async up(): Promise<void> {
    // State 2, from the row just written (its xmin), unless the transaction is in state 2 already.
    this.addSql(`
create function events_written(p_outbox_id bigint) returns void language plpgsql as $fn$
begin
  if current_setting('application_name') not like 'nexus-events:%' then
    perform set_config('application_name',
      'nexus-events:' || (select o.xmin::text from event_outbox o where o.id = p_outbox_id), true);
  end if;
end
$fn$;`);
    this.addSql(`
create or replace function record_events(p_events jsonb) returns int language plpgsql as $fn$
declare
  v_first bigint;
begin
  ${MARK_BEGIN}
  begin
    with w as (
      insert into event_outbox (type, user_ids, listing_id, data)
      select e.value->>'type', array(select jsonb_array_elements_text(e.value->'userIds'))::uuid[],
             (e.value->>'listingId')::uuid, e.value->'data'
        from jsonb_array_elements(p_events) with ordinality as e(value, n)
       order by e.n
      returning id)
    select min(id) into v_first from w;
    if v_first is not null then
      perform events_written(v_first);
    end if;
  exception when others then
    raise;
  end;
  return jsonb_array_length(p_events);
end
$fn$;`);
    this.addSql(editHold(HOLD_EVENTS_BEFORE, HOLD_EVENTS_AFTER));
    this.addSql(WRITERS_WATERMARK_FUNCTION);
    this.addSql(`create ${WRITER_CHECK_FUNCTION}`);
    this.addSql(`create trigger event_outbox_writer_check before insert on event_outbox
  for each statement execute function event_outbox_writer_check();`);
  }

  override async down(): Promise<void> {
    this.addSql("drop trigger event_outbox_writer_check on event_outbox;");
    this.addSql("drop function event_outbox_writer_check();");
    this.addSql(editHold(HOLD_EVENTS_AFTER, HOLD_EVENTS_BEFORE));
    this.addSql(`
create or replace function record_events(p_events jsonb) returns int language plpgsql as $fn$
begin
  begin
    insert into event_outbox (type, user_ids, listing_id, data)
    select e.value->>'type', array(select jsonb_array_elements_text(e.value->'userIds'))::uuid[],
           (e.value->>'listingId')::uuid, e.value->'data'
      from jsonb_array_elements(p_events) with ordinality as e(value, n)
     order by e.n;
  exception when others then
    raise;
  end;
  return jsonb_array_length(p_events);
end
$fn$;`);
    this.addSql("drop function events_written(bigint);");
    // event_watermark() as migration eventWatermarkOnce left it.
    this.addSql(`
create or replace function event_watermark() returns xid8 language plpgsql stable parallel restricted as $fn$
begin
  return (${WATERMARK_QUERY});
end
$fn$;`);
  }
}
