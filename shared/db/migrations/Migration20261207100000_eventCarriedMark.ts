import { Migration } from "@mikro-orm/migrations";
import { WRITER_CHECK_FUNCTION, WRITERS_WATERMARK_FUNCTION } from "./Migration20261206120000_eventWriters.js";

/**
 * Issue 16: the COMMIT-carried INSERT (shared/events/record.ts) says it writes events by the text of
 * the message it is in, not by two set_config calls.
 *
 * Its events are written in the very message that commits the transaction, so "this session is
 * writing events" holds from before the subtransaction exists to the end of the transaction exactly
 * while that message runs: pg_stat_activity shows it as state 'active' with the message's text,
 * which begins with CARRIED_MARK (the text is set before the first statement of a simple query runs;
 * the backend reports 'idle' only after its COMMIT, once its ids have left the running set).
 * event_watermark() counts such a transaction by its top-level id, as a writer in state 1 of
 * migration eventWriters: always safe, and it gives up only the precision of state 2 (the row's own
 * id) for the length of one COMMIT. Measured in bench:events, the two set_config calls, the CTE that
 * read the row's xmin back and the GUC reports they caused were the largest part of what an
 * emitting command cost PostgreSQL beyond the command itself.
 *
 * A backend whose state and text it may not see (another role without pg_read_all_stats) is counted
 * by its top-level id too: never missed, at worst waited for. record_events() and
 * hold_booking_dates() keep their application_name marks (they write in the middle of a transaction).
 * The outbox trigger accepts the mark only on a message that ends with its COMMIT.
 */
export const CARRIED_MARK = "/*nexus-events*/";

export class Migration20261207100000_eventCarriedMark extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create or replace function event_watermark() returns xid8 language plpgsql stable parallel restricted as $fn$
begin
  return (
  with s as (select pg_current_snapshot() as snap),
  running as (select x, x::text::bigint % 4294967296 as x32 from s, pg_snapshot_xip(s.snap) as x),
  -- Read once per call, and only when some transaction runs at all.
  activity as (
    select a.backend_xid::text::bigint as xid32,
           a.datid = (select oid from pg_database where datname = current_database()) as here,
           a.application_name as app,
           -- In a COMMIT-carried message (or not visible to this role: counted all the same).
           (a.state is null or (a.state = 'active' and a.query like '${CARRIED_MARK}%')) as carrying
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
     where a.xid32 is null                                          -- ended since: it may have written
        or (a.here and (a.app like 'nexus-events%' or a.carrying))) -- writing events now
  select coalesce((select min(c) from counted), (select pg_snapshot_xmax(snap) from s)));
end
$fn$;`);
    this.addSql(`
create or replace function event_outbox_writer_check() returns trigger language plpgsql as $fn$
begin
  if current_setting('application_name') not like 'nexus-events%'
     and current_query() not like '${CARRIED_MARK}%COMMIT;' then
    raise exception 'event_outbox is written by record_events(), hold_booking_dates() or the COMMIT-carried INSERT only'
      using hint = 'set application_name to nexus-events (SET LOCAL) and write in a subtransaction, or write in the COMMIT''s own message: see migrations eventWriters and eventCarriedMark';
  end if;
  return null;
end
$fn$;`);
  }

  override async down(): Promise<void> {
    this.addSql(WRITERS_WATERMARK_FUNCTION);
    this.addSql(`create or replace ${WRITER_CHECK_FUNCTION}`);
  }
}
