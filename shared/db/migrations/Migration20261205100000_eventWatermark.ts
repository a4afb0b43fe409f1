import { Migration } from "@mikro-orm/migrations";

/**
 * Issue 16: events leave for the sockets without waiting for a commit of their own.
 *
 * Until now the relay leader published a batch only once its MOVE (outbox → events, which gives the
 * public ids) had committed: every event waited for one more WAL flush after its own transaction's,
 * and for the flush's worst case (tens of ms on this disk), on the way to the host's socket.
 *
 * Now the public ids of outbox rows are fixed before anything is written, so the leader can publish
 * first and persist after (shared/events/relay.ts):
 * - record_events(): writers append their events in a subtransaction of its own, so the rows' xmin
 *   is a transaction id given at that moment, the end of the command. A command that saw another's
 *   commit (it waited for its row lock, say) writes its events after that one's: its xmin is greater.
 *   (The top-level xid would not do: it is given at a transaction's first write, which may come
 *   before the wait.)
 * - event_watermark(): the smallest top-level transaction id of this database that may still commit,
 *   as of the statement's snapshot. A subtransaction's id is greater than its parent's, so every
 *   outbox row whose xmin is below it is final: committed and visible to that snapshot, or never to
 *   be. No row can ever appear below it later (a transaction that has not begun gets a greater id),
 *   so, ordered by (xmin, outbox id), the final rows of any later snapshot begin with the final rows
 *   of an earlier one. (xmin is 32 bits: age() orders it; outbox rows live for milliseconds.)
 * - final_outbox: those final rows with the public id each one gets: the greatest id in `events` plus
 *   its rank. Moving a prefix of them to `events` (the MOVE) raises the one as it lowers the other,
 *   so a row's id never changes: any reader (the leader, a replay, a leader taking over after a crash)
 *   computes the same id for it, whether it has been moved yet or not.
 * - public_events: `events` and final_outbox together, the log every reader reads (replay,
 *   notifications, tests): in one statement, a row is in one or the other.
 *
 * The watermark ignores transactions of other databases of the cluster (pg_snapshot_xmin alone would
 * not: a long transaction anywhere, a CREATE DATABASE of the tests, would hold every event back), and
 * the relay's own moves (application_name nexus-event-relay, which writes no outbox row: else each
 * move's commit would hold back the events committed meanwhile, and its WAL flush would be on their
 * way to the sockets again). An xid of the snapshot's in-progress list is skipped only while
 * pg_stat_activity shows it running so; one that has ended since, or that it cannot place, counts
 * (never skipping too much).
 */
export class Migration20261205100000_eventWatermark extends Migration {
  override async up(): Promise<void> {
    // recordEvents' one statement: the rows are written in a subtransaction of their own (the
    // EXCEPTION block), so their xmin is an id given now, at the end of the command, after everything
    // it read and waited for.
    this.addSql(`
create function record_events(p_events jsonb) returns int language plpgsql as $fn$
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
    this.addSql(`
create function event_watermark() returns xid8 language sql stable parallel restricted as $fn$
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
    (select pg_snapshot_xmax(snap) from s))
$fn$;`);
    this.addSql(`
create view final_outbox as
  select (select coalesce(max(id), 0) from events) + row_number() over (order by age(o.xmin) desc, o.id) as id,
         o.id as outbox_id, o.xmin as xid, o.type, o.user_ids, o.listing_id, o.data, o.created_at
    from event_outbox o, (select event_watermark() as w) m
   where age(o.xmin) > age((m.w::text::bigint % 4294967296)::text::xid);`);
    // The whole public log, as readers see it: moved or not yet, every event with its id.
    this.addSql(`
create view public_events as
  select id, type, user_ids, listing_id, data, created_at from events
  union all
  select id, type, user_ids, listing_id, data, created_at from final_outbox;`);
  }

  override async down(): Promise<void> {
    this.addSql("drop view public_events;");
    this.addSql("drop view final_outbox;");
    this.addSql("drop function event_watermark();");
    this.addSql("drop function record_events(jsonb);");
  }
}
