import { Migration } from "@mikro-orm/migrations";

/**
 * Issue 16: events without the global lock. Until now every emitting transaction took one advisory
 * lock (EVENT_ORDER_LOCK) from its events INSERT to its COMMIT, so that ids became visible in id
 * order, and every publisher took a second one and marked each event published: the whole deployment
 * committed events one at a time, at the primary's commit latency (138 tx/s with a 5 ms WAL flush).
 *
 * Now (shared/events/relay.ts):
 * - event_outbox: writers append their events here, in their own transaction, taking no lock. Its
 *   ids are only an arrival order inside one relay batch; nobody outside the relay ever sees them.
 * - One relay leads at a time (a session advisory lock, EVENT_RELAY_LEADER_LOCK, on its own
 *   connection; any web or worker process takes over when the leader's session ends). Each of its
 *   batches is one statement: it deletes the committed outbox rows it sees and inserts them into
 *   `events`, where the id sequence gives them their public ids, in outbox order. Batches run one
 *   after the other on one session, so public ids become visible strictly in id order: a reader
 *   that has seen id N will never see a smaller one appear later, with no lock on the write path.
 * - event_relay_state.published_through: the last public id the leader handed to Redis, written by
 *   the next batch's statement (no write per event). A new leader publishes again from there; the
 *   sockets' live gate drops the copies (server/realtime/liveGate.ts).
 * - events.published_at and its index go: "not yet published" is the outbox plus the ids above the
 *   mark (the event_backlog view).
 * - Unread counts (migration notificationCounts): its recipient log existed so that concurrent writers
 *   of events never queued on one counter row. Events now have one writer, the leader, so its batch
 *   adds to notification_counts directly, one row per recipient per batch (in user order: no
 *   deadlock with a bulk load or a fold): no log row per recipient and event any more. The log stays
 *   read (rows written before, or by a bulk load with triggers off, are still folded as before).
 */
export class Migration20261203080000_eventRelay extends Migration {
  override async up(): Promise<void> {
    // Rows live here for milliseconds: vacuum it as soon as a few hundred are dead, so the relay's
    // index scan never walks a long tail of deleted rows.
    this.addSql(`
create table event_outbox (id bigserial primary key, type varchar(60) not null, user_ids uuid[] not null default '{}',
  listing_id uuid null, data jsonb not null, created_at timestamptz not null default now())
  with (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 200, autovacuum_vacuum_cost_delay = 0,
        autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 1000);`);
    this.addSql(`
create table event_relay_state (singleton boolean primary key default true,
  published_through bigint not null, updated_at timestamptz not null default now());`);
    this.addSql(`
insert into event_relay_state (published_through)
select coalesce((select min(id) - 1 from events where published_at is null), (select max(id) from events), 0);`);
    this.addSql("drop index events_unpublished_idx;");
    this.addSql("alter table events drop column published_at;");
    this.addSql(`
create view event_backlog as
  select o.created_at, null::bigint as id from event_outbox o
  union all
  select e.created_at, e.id from events e where e.id > (select published_through from event_relay_state);`);
    // Every committed event, public or still in the outbox (id null; they will follow the public ones
    // in `seq` order): what a command wrote, whether or not the relay has taken it yet.
    this.addSql(`
create view committed_events as
  select e.id, e.type, e.user_ids, e.listing_id, e.data, e.created_at, 0 as stage, e.id as seq from events e
  union all
  select null::bigint, o.type, o.user_ids, o.listing_id, o.data, o.created_at, 1, o.id from event_outbox o;`);
    this.addSql(`
create or replace function events_log_recipients() returns trigger language plpgsql as $fn$
begin
  insert into notification_counts (user_id, events)
  select t.uid, count(*) from inserted_events e cross join unnest(e.user_ids) as t(uid) group by t.uid order by t.uid
  on conflict (user_id) do update set events = notification_counts.events + excluded.events;
  return null;
end
$fn$;`);
    // hold_booking_dates() (migration holdRules) wrote its two events under the old lock: it now
    // appends them to the outbox, lock-free. Its body is otherwise unchanged, so it is edited in place
    // rather than copied here; p_event_order_lock stays in the signature, unused.
    this.addSql(`
do $$
declare def text := pg_get_functiondef('hold_booking_dates(uuid, uuid, uuid, date, date, int, int, jsonb, int, bigint, int, int, int, int, jsonb)'::regprocedure);
begin
  if position('perform pg_advisory_xact_lock(p_event_order_lock);' in def) = 0
     or position('insert into events (type, user_ids, listing_id, data)' in def) = 0 then
    raise exception 'hold_booking_dates() is not the one migration holdRules wrote';
  end if;
  def := replace(def, 'perform pg_advisory_xact_lock(p_event_order_lock);', '');
  def := replace(def, 'insert into events (type, user_ids, listing_id, data)', 'insert into event_outbox (type, user_ids, listing_id, data)');
  execute def;
end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`
create or replace function events_log_recipients() returns trigger language plpgsql as $fn$
begin
  insert into notification_log (user_id) select unnest(e.user_ids) from inserted_events e;
  return null;
end
$fn$;`);
    this.addSql(`
do $$
declare def text := pg_get_functiondef('hold_booking_dates(uuid, uuid, uuid, date, date, int, int, jsonb, int, bigint, int, int, int, int, jsonb)'::regprocedure);
begin
  def := replace(def, 'insert into event_outbox (type, user_ids, listing_id, data)', 'insert into events (type, user_ids, listing_id, data)');
  def := replace(def, 'with written as (', 'perform pg_advisory_xact_lock(p_event_order_lock);
  with written as (');
  execute def;
end $$;`);
    this.addSql("drop view committed_events;");
    this.addSql("drop view event_backlog;");
    this.addSql("alter table events add column published_at timestamptz null;");
    this.addSql(
      "update events set published_at = now() where id <= (select published_through from event_relay_state);",
    );
    this.addSql(
      "insert into events (type, user_ids, listing_id, data, created_at) select type, user_ids, listing_id, data, created_at from event_outbox order by id;",
    );
    this.addSql("create index events_unpublished_idx on events (id) where published_at is null;");
    this.addSql("drop table event_relay_state;");
    this.addSql("drop table event_outbox;");
  }
}
