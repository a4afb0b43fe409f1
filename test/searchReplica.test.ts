import "./helpers/env.js";
import { randomUUID } from "node:crypto";
import test from "ava";
import { config } from "../shared/config.js";
import { initOrm, type Orm } from "../shared/db/orm.js";
import type { Actor } from "../shared/domain/accounts/tokens.js";
import { createBooking } from "../shared/domain/bookings/createBooking.js";
import { execute, query } from "../shared/domain/commands/execute.js";
import { createBlock } from "../shared/domain/listings/createBlock.js";
import { createListing } from "../shared/domain/listings/createListing.js";
import { getAvailability } from "../shared/domain/listings/getAvailability.js";
import { searchQuerySchema } from "../shared/domain/listings/schemas.js";
import type { SearchPage } from "../shared/domain/listings/search.js";
import { cachedSearch } from "../shared/domain/listings/searchCache.js";
import { replicaReads } from "../shared/metrics.js";
import { createRedis } from "../shared/redis.js";
import { day } from "./helpers/factories.js";
import { migrate, type PrivatePostgres, startPrivatePostgres } from "./helpers/privatePostgres.js";
import { type Replica, startReplica } from "./helpers/replica.js";
import { freeListingIds } from "./helpers/searchRule.js";

/*
 * Search reads on a real streaming replica: this file's own PostgreSQL (durable, as in production),
 * a `pg_basebackup -R` copy of it on another port, the suite's Redis. Serial: the tests pause and
 * stop the one replica.
 */
let primary: PrivatePostgres;
let replica: Replica;
let orm: Orm;
let replicaOrm: Orm;
const redis = createRedis("replica-test");

test.before(async () => {
  primary = await startPrivatePostgres();
  await migrate(primary.url);
  replica = await startReplica(primary.url);
  orm = await initOrm({ clientUrl: primary.url });
  replicaOrm = await initOrm({ clientUrl: replica.url });
});
test.after.always(async () => {
  await replicaOrm?.close();
  await orm?.close();
  await replica?.close();
  await primary?.close();
  redis.disconnect();
});

const deps = () => ({ orm, redis, replica: replicaOrm });

async function user(role: "host" | "guest"): Promise<Actor> {
  const { rows } = await primary
    .pool()
    .query("insert into users (email, name, role, password_hash) values ($1, $2, $3, 'x') returning id", [
      `${role}-${randomUUID()}@replica.test`,
      `A ${role}`,
      role,
    ]);
  return { id: rows[0].id as string, role };
}

async function listingsIn(city: string, count: number): Promise<string[]> {
  const host = await user("host");
  const input = {
    title: "Replicated stay",
    description: "d",
    city,
    country: "Ethiopia",
    pricePerNight: 10_000,
    currency: "ETB" as const,
    maxGuests: 4,
  };
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await execute(createListing, { actor: host, input }, deps())).id);
  return ids;
}

const render = (page: SearchPage) => JSON.stringify(page.listings.map((l) => l.id));
async function search(city: string, checkIn: string, checkOut: string): Promise<{ ids: string[]; hit: boolean }> {
  const filters = searchQuerySchema.parse({ city, checkIn, checkOut });
  const { body, hit } = await cachedSearch(deps(), filters, render);
  return { ids: (JSON.parse(body.toString()) as string[]).sort(), hit };
}

/** What the primary says is free over those nights, as search's rule (bookings and blocks). */
const freeOnPrimary = (city: string, checkIn: string, checkOut: string) =>
  freeListingIds(primary.pool(), city, checkIn, checkOut);

async function reads(): Promise<Record<string, number>> {
  const metric = await replicaReads.get();
  return Object.fromEntries(metric.values.map((v) => [String(v.labels.result), v.value]));
}
const delta = (before: Record<string, number>, after: Record<string, number>, key: string) =>
  (after[key] ?? 0) - (before[key] ?? 0);

test.serial(
  "a booking or a block, then at once a search through the replica: those nights are never shown free",
  async (t) => {
    const city = `Replica ${randomUUID().slice(0, 8)}`;
    const listings = await listingsIn(city, 8);
    const before = await reads();
    const iterations = 40;
    for (let i = 0; i < iterations; i++) {
      const listingId = listings[i % listings.length];
      const stay = { checkIn: day(10 + 2 * i), checkOut: day(12 + 2 * i) };
      const warm = await search(city, stay.checkIn, stay.checkOut);
      t.true(warm.ids.includes(listingId), `iteration ${i}: free before`);
      // By another user each time: a guest's booking, or the host's calendar block.
      if (i % 2 === 0) {
        const guest = await user("guest");
        await execute(createBooking, { actor: guest, input: { listingId, ...stay, guests: 1 } }, deps());
      } else {
        const { rows } = await primary.pool().query("select host_id from listings where id = $1", [listingId]);
        const host: Actor = { id: rows[0].host_id, role: "host" };
        await execute(createBlock, { actor: host, input: { listingId, ...stay } }, deps());
      }
      const after = await search(city, stay.checkIn, stay.checkOut);
      t.false(after.ids.includes(listingId), `iteration ${i}: the nights just taken are not shown free`);
      t.deepEqual(
        after.ids,
        await freeOnPrimary(city, stay.checkIn, stay.checkOut),
        `iteration ${i}: as the primary says`,
      );
      const blocked = await query(getAvailability, { actor: null, input: { listingId, from: stay.checkIn } }, deps());
      t.true(
        blocked.some((b) => b.checkIn === stay.checkIn && b.checkOut === stay.checkOut),
        `iteration ${i}: the listing's availability (read on the replica too) shows the nights taken`,
      );
    }
    const after = await reads();
    const onReplica = delta(before, after, "replica") + delta(before, after, "replica_waited");
    t.log(
      `replica reads: ${delta(before, after, "replica")} at once, ${delta(before, after, "replica_waited")} after waiting, ` +
        `${delta(before, after, "fallback_timeout")} fell back on time-out`,
    );
    t.true(onReplica >= iterations, `most reads ran on the replica (${onReplica} of ${3 * iterations})`);
  },
);

test.serial("replay paused: a search waits for it, then reads the primary within REPLICA_MAX_WAIT_MS", async (t) => {
  const city = `Paused ${randomUUID().slice(0, 8)}`;
  const [listingId] = await listingsIn(city, 1);
  const stay = { checkIn: day(200), checkOut: day(202) };
  t.deepEqual((await search(city, stay.checkIn, stay.checkOut)).ids, [listingId]);
  await replica.pool().query("select pg_wal_replay_pause()");
  try {
    const guest = await user("guest");
    await execute(createBooking, { actor: guest, input: { listingId, ...stay, guests: 1 } }, deps());
    const before = await reads();
    const started = Date.now();
    const answer = await search(city, stay.checkIn, stay.checkOut);
    const took = Date.now() - started;
    t.deepEqual(answer.ids, [], "the primary answered: the booking shows");
    t.is(delta(before, await reads(), "fallback_timeout"), 1);
    t.true(took >= config.REPLICA_MAX_WAIT_MS - 5, `it waited for the replica first (${took} ms)`);
    t.true(took < config.REPLICA_MAX_WAIT_MS + 500, `then fell back within the bound (${took} ms)`);
    const { rows } = await replica
      .pool()
      .query("select count(*)::int as n from bookings where listing_id = $1", [listingId]);
    t.is(rows[0].n, 0, "the replica really was behind");
  } finally {
    await replica.pool().query("select pg_wal_replay_resume()");
  }
});

test.serial("replica stopped: searches fall back to the primary at once and still answer right", async (t) => {
  const city = `Stopped ${randomUUID().slice(0, 8)}`;
  const [listingId, other] = await listingsIn(city, 2);
  const stay = { checkIn: day(300), checkOut: day(301) };
  await replica.stop();
  try {
    const before = await reads();
    const guest = await user("guest");
    await execute(createBooking, { actor: guest, input: { listingId, ...stay, guests: 1 } }, deps());
    const started = Date.now();
    const answer = await search(city, stay.checkIn, stay.checkOut);
    t.deepEqual(answer.ids, [other]);
    t.true(Date.now() - started < config.REPLICA_MAX_WAIT_MS + 500, "bounded");
    t.is(delta(before, await reads(), "fallback_error") + delta(before, await reads(), "fallback_timeout"), 1);
    t.deepEqual((await search(city, day(302), day(303))).ids, [listingId, other].sort(), "other searches answer too");
  } finally {
    await replica.start();
  }
});
