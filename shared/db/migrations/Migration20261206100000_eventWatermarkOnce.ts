import { Migration } from "@mikro-orm/migrations";

/**
 * Issue 16: the watermark is computed once per read, not once per outbox row.
 *
 * final_outbox took the watermark from `(select event_watermark()) m` in its FROM list. The planner
 * flattens such a subquery (the function is stable), so the call went into the scan's filter and ran
 * for every outbox row of every read: under load, about 17 calls (each a pg_stat_get_activity scan of
 * every backend) per read, the largest single cost of the pipeline. Now it is an uncorrelated scalar
 * subquery, which PostgreSQL runs once per statement (an InitPlan), with the same snapshot as the scan.
 *
 * event_watermark() itself becomes plpgsql, so its one query is planned once per session instead of at
 * every call (a SQL function with a CTE is never inlined and was planned anew each time). What it
 * computes is unchanged (migration eventWatermark).
 */
export const WATERMARK_QUERY = `
  with s as (select pg_current_snapshot() as snap),
  running as (select x from s, pg_snapshot_xip(s.snap) as x),
  -- Read once per call, and only when some transaction runs at all: transactions that write no
  -- outbox row, those of other databases and the relay's own (its moves), hold nothing back.
  elsewhere as (
    select a.backend_xid::text::bigint as xid32 from pg_stat_get_activity(null) a
     where a.backend_xid is not null
       and (a.datid <> (select oid from pg_database where datname = current_database())
            or a.application_name = 'nexus-event-relay')
       and exists (select 1 from running))
  select coalesce(
    (select min(x) from running where x::text::bigint % 4294967296 not in (select xid32 from elsewhere)),
    (select pg_snapshot_xmax(snap) from s))`;

const COLUMNS = "o.id as outbox_id, o.xmin as xid, o.type, o.user_ids, o.listing_id, o.data, o.created_at";
const RANK = "(select coalesce(max(id), 0) from events) + row_number() over (order by age(o.xmin) desc, o.id) as id";

export class Migration20261206100000_eventWatermarkOnce extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create or replace function event_watermark() returns xid8 language plpgsql stable parallel restricted as $fn$
begin
  return (${WATERMARK_QUERY});
end
$fn$;`);
    this.addSql(`
create or replace view final_outbox as
  select ${RANK}, ${COLUMNS}
    from event_outbox o
   where age(o.xmin) > (select age((event_watermark()::text::bigint % 4294967296)::text::xid));`);
  }

  override async down(): Promise<void> {
    this.addSql("drop view public_events;");
    this.addSql("drop view final_outbox;");
    this.addSql("drop function event_watermark();");
    this.addSql(`create function event_watermark() returns xid8 language sql stable parallel restricted as $fn$
${WATERMARK_QUERY}
$fn$;`);
    this.addSql(`
create view final_outbox as
  select ${RANK}, ${COLUMNS}
    from event_outbox o, (select event_watermark() as w) m
   where age(o.xmin) > age((m.w::text::bigint % 4294967296)::text::xid);`);
    this.addSql(`
create view public_events as
  select id, type, user_ids, listing_id, data, created_at from events
  union all
  select id, type, user_ids, listing_id, data, created_at from final_outbox;`);
  }
}
