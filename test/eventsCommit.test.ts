import "./helpers/env.js";

import type { EntityManager } from "@mikro-orm/postgresql";
import test from "ava";
import pg from "pg";
import { initOrm, type Orm } from "../shared/db/orm.js";
import { sql } from "../shared/db/sql.js";
import { inUnitOfWork } from "../shared/domain/commands/unitOfWork.js";
import type { EventType } from "../shared/events/eventMap.js";
import type { EventInput } from "../shared/events/record.js";
import { closeFactories, createGuest, db } from "./helpers/factories.js";

/**
 * A command's events ride in its COMMIT's own message (recordEventsOnCommit, shared/events/record.ts):
 * what reaches PostgreSQL, what is stored, and what happens when the events' INSERT fails.
 * Against the real PostgreSQL; no relay runs here, so the rows stay in the outbox to be read.
 */
let orm: Orm;
const sent: string[] = [];
const query = pg.Client.prototype.query;

test.serial.before(async () => {
  // Every query text any pg client sends, as PostgreSQL receives it (the wrapper on a connection
  // calls through to this prototype method).
  pg.Client.prototype.query = function (this: pg.Client, config: unknown, ...rest: unknown[]) {
    const text = typeof config === "string" ? config : (config as { text?: string } | null)?.text;
    if (typeof text === "string") sent.push(text);
    return (query as (...args: unknown[]) => unknown).call(this, config, ...rest);
  } as typeof pg.Client.prototype.query;
  orm = await initOrm();
  await db().query("create table commit_probe (tag text primary key)");
});
test.after.always(async () => {
  pg.Client.prototype.query = query;
  await orm?.close();
  await closeFactories();
});

const listingAvailability = (userId: string, tag: string): EventInput<EventType> => ({
  type: "listing.availability",
  userIds: [userId],
  data: { listingId: userId, blocked: [{ checkIn: tag, checkOut: "" }] } as never,
});

/** A unit of work that writes a probe row, then emits. */
const command = (tag: string, events: EventInput<EventType>[], fail?: Error) =>
  inUnitOfWork(orm, async (tx) => {
    await sql(tx.em as EntityManager)("insert into commit_probe (tag) values (?)", [tag]);
    for (const event of events) await tx.emit(event);
    if (fail) throw fail;
    return tag;
  });

const probe = async (tag: string) =>
  (await db().query("select exists(select 1 from commit_probe where tag = $1) as ok", [tag])).rows[0].ok as boolean;

const outboxTags = async (userId: string) =>
  (
    await db().query<{ tag: string }>(
      "select data->'blocked'->0->>'checkIn' as tag from event_outbox where $1::uuid = any(user_ids) order by id",
      [userId],
    )
  ).rows.map((r) => r.tag);

/** Connections of this file's database left inside a transaction (an aborted one would poison the pool). */
const leftInTransaction = async () =>
  Number(
    (
      await db().query(
        "select count(*) as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and state like 'idle in transaction%'",
      )
    ).rows[0].n,
  );

test.serial("a command's events go in its COMMIT's message, in order, with their text exactly as given", async (t) => {
  const user = await createGuest();
  // Quotes, backslashes, dollar quoting, a NUL-free control character, non-Latin text, emoji.
  const tags = ["plain", "it's", "back\\slash \\' E'x'", "$$ $fn$ ;COMMIT; --", "tab\there", "ሰላም 👋"];
  sent.length = 0;
  await command(
    "in order",
    tags.map((tag) => listingAvailability(user.id, tag)),
  );
  t.true(await probe("in order"));
  t.deepEqual(await outboxTags(user.id), tags);
  const carried = sent.filter((text) => text.includes("nexus_events"));
  t.is(carried.length, 1, "one message carries the events");
  t.regex(
    carried[0],
    /^\/\*nexus-events\*\/ SAVEPOINT nexus_events; INSERT INTO event_outbox .*; RELEASE SAVEPOINT nexus_events; COMMIT;$/s,
  );
  t.false(
    sent.some((text) => /record_events|^COMMIT;?$/i.test(text.trim())),
    "no round trip of the events' own, and no COMMIT of its own",
  );
});

test.serial(
  "an event that cannot be written fails its command and undoes its change; the pool stays clean",
  async (t) => {
    const user = await createGuest();
    const bad = { ...listingAvailability(user.id, "bad"), userIds: ["not-a-uuid"] };
    const error = await t.throwsAsync(command("undone", [listingAvailability(user.id, "before the bad one"), bad]));
    t.regex(String(error?.message), /uuid/);
    t.false(await probe("undone"), "the command's own row is not committed");
    t.deepEqual(await outboxTags(user.id), [], "nor any of its events");
    t.is(await leftInTransaction(), 0);
    // Every connection of the pool goes on working: more commands than it has connections, at once.
    const after = Array.from({ length: 12 }, (_, n) => `after ${n}`);
    await Promise.all(after.map((tag) => command(tag, [listingAvailability(user.id, tag)])));
    for (const tag of after) t.true(await probe(tag), tag);
    t.deepEqual((await outboxTags(user.id)).sort(), [...after].sort());
    t.is(await leftInTransaction(), 0);
  },
);

test.serial(
  "a command that fails after emitting writes none of its events, and the next one on the connection writes only its own",
  async (t) => {
    const user = await createGuest();
    await t.throwsAsync(command("failed", [listingAvailability(user.id, "never")], new Error("the command failed")), {
      message: "the command failed",
    });
    t.false(await probe("failed"));
    for (let n = 0; n < 6; n++) await command(`next ${n}`, [listingAvailability(user.id, `next ${n}`)]);
    t.deepEqual(await outboxTags(user.id), ["next 0", "next 1", "next 2", "next 3", "next 4", "next 5"]);
    t.is(await leftInTransaction(), 0);
  },
);

test.serial("a command that emits nothing commits as before, with knex's own COMMIT", async (t) => {
  sent.length = 0;
  await command("quiet", []);
  t.true(await probe("quiet"));
  t.false(sent.some((text) => text.includes("nexus_events")));
  t.true(sent.some((text) => text.trim() === "COMMIT;"));
});

const isFinal = async (userId: string, tag: string) =>
  (
    await db().query(
      "select exists(select 1 from final_outbox where $1::uuid = any(user_ids) and data->'blocked'->0->>'checkIn' = $2) as ok",
      [userId, tag],
    )
  ).rows[0].ok as boolean;

test.serial(
  "an open transaction that writes no events holds no event back; one that has written events does, until it ends",
  async (t) => {
    const user = await createGuest();
    // A transaction with an id (it wrote a row) left open, as a slow command would be.
    const unrelated = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await unrelated.connect();
    t.teardown(() => unrelated.end().catch(() => undefined));
    await unrelated.query("begin");
    await unrelated.query("insert into commit_probe (tag) values ('unrelated, open')");
    await command("while unrelated is open", [listingAvailability(user.id, "past the unrelated one")]);
    t.true(await isFinal(user.id, "past the unrelated one"), "final while the unrelated transaction runs");

    // A transaction that has written its event (recordEvents, the same subtransaction protocol) and not
    // committed: a later command's event waits for it, whatever it does.
    const writer = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await writer.connect();
    t.teardown(() => writer.end().catch(() => undefined));
    await writer.query("begin");
    await writer.query("select record_events($1::jsonb)", [
      JSON.stringify([listingAvailability(user.id, "open writer")]),
    ]);
    await command("behind the writer", [listingAvailability(user.id, "behind the writer")]);
    t.false(await isFinal(user.id, "behind the writer"), "held back while the writer's transaction runs");
    await writer.query("commit");
    t.true(await isFinal(user.id, "open writer"));
    t.true(await isFinal(user.id, "behind the writer"));
    const ids = (
      await db().query<{ tag: string }>(
        "select data->'blocked'->0->>'checkIn' as tag from final_outbox where $1::uuid = any(user_ids) order by id",
        [user.id],
      )
    ).rows.map((r) => r.tag);
    t.deepEqual(ids, ["past the unrelated one", "open writer", "behind the writer"], "in the order they were written");
    await unrelated.query("rollback");
  },
);

test.serial("a session that writes the outbox without saying it writes events is refused", async (t) => {
  const user = await createGuest();
  const error = await t.throwsAsync(
    db().query(
      "insert into event_outbox (type, user_ids, data) values ('listing.availability', array[$1]::uuid[], '{}')",
      [user.id],
    ),
  );
  t.regex(String(error?.message), /event_outbox is written by/);
  t.deepEqual(await outboxTags(user.id), []);
});

test.serial(
  "a COMMIT-carried message holds later events back while it runs, and its mark counts only on a message that commits",
  async (t) => {
    const user = await createGuest();
    // The carried message as record.ts sends it, slowed down between its INSERT and its COMMIT (as a
    // slow WAL flush would): while it runs, a later command's event is not final.
    const slow = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await slow.connect();
    t.teardown(() => slow.end().catch(() => undefined));
    await slow.query("begin");
    await slow.query("insert into commit_probe (tag) values ('slow carried')");
    const data = pg.escapeLiteral(JSON.stringify(listingAvailability(user.id, "slow carried").data));
    const committing = slow.query(
      `/*nexus-events*/ SAVEPOINT nexus_events; INSERT INTO event_outbox (type, user_ids, listing_id, data) VALUES ('listing.availability', array['${user.id}']::uuid[], null, ${data}::jsonb); SELECT pg_sleep(1.5); RELEASE SAVEPOINT nexus_events; COMMIT;`,
    );
    // Until its INSERT has run, nothing of it is in the outbox to be read: wait for the row to exist.
    for (let n = 0; n < 100; n++) {
      const { rows } = await db().query(
        "select exists(select 1 from pg_stat_activity where query like '/*nexus-events*/%' and state = 'active' and wait_event = 'PgSleep') as ok",
      );
      if (rows[0].ok) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await command("behind the carried one", [listingAvailability(user.id, "behind the carried one")]);
    t.false(await isFinal(user.id, "behind the carried one"), "held back while the carried message runs");
    await committing;
    t.true(await isFinal(user.id, "slow carried"));
    t.true(await isFinal(user.id, "behind the carried one"));
    const order = (
      await db().query<{ tag: string }>(
        "select data->'blocked'->0->>'checkIn' as tag from final_outbox where $1::uuid = any(user_ids) order by id",
        [user.id],
      )
    ).rows.map((r) => r.tag);
    t.deepEqual(order, ["slow carried", "behind the carried one"], "in the order written");

    // The mark on a message that does not end with its COMMIT is refused: its events could be
    // followed by more of the transaction, unseen by the watermark.
    await slow.query("begin");
    const error = await t.throwsAsync(
      slow.query(
        `/*nexus-events*/ SAVEPOINT nexus_events; INSERT INTO event_outbox (type, user_ids, data) VALUES ('listing.availability', array['${user.id}']::uuid[], '{}'); RELEASE SAVEPOINT nexus_events;`,
      ),
    );
    t.regex(String(error?.message), /event_outbox is written by/);
    await slow.query("rollback");
  },
);
