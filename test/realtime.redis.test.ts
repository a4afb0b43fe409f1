import "./helpers/env.js";

import test from "ava";
import type { EventEnvelope } from "../shared/events/eventMap.js";
import { afterTaskRuns } from "./helpers/emailFixtures.js";
import { closeFactories, createGuest, createHost, createListing, day, db } from "./helpers/factories.js";
import { apiClient } from "./helpers/http.js";
import { PrivateRedis } from "./helpers/privateRedis.js";
import { freePort, spawnEntry } from "./helpers/processes.js";
import { connectSocket, settle } from "./helpers/sockets.js";

test("Redis stopped: the REST API keeps working, events stay unpublished, and once Redis is back they arrive in order", async (t) => {
  const redis = await PrivateRedis.start();
  const port = await freePort();
  const webProcess = spawnEntry("server/main.ts", { PORT: String(port), REDIS_URL: redis.url });
  const worker = spawnEntry("worker/main.ts", { REDIS_URL: redis.url, CRON_PUBLISH_EVENTS_EVERY: "1 second" });
  t.teardown(async () => {
    await Promise.all([webProcess.stop("SIGKILL"), worker.stop("SIGKILL")]);
    await redis.stop();
    await closeFactories();
  });
  await Promise.all([webProcess.waitFor(/web listening/, 30_000), worker.waitFor(/worker started/, 30_000)]);
  const url = `http://127.0.0.1:${port}`;
  const api = apiClient(url);

  const host = await createHost();
  const guest = await createGuest();
  const listing = await createListing(host);
  const hostSocket = await connectSocket(url, host.token);
  t.teardown(hostSocket.close);
  const booked = await api.post(
    "/api/v1/bookings",
    { listingId: listing.id, checkIn: day(4), checkOut: day(6), guests: 1 },
    guest.auth,
  );
  t.is(booked.status, 201);
  const bookingId = booked.body.booking.id;
  await hostSocket.waitForEvents(1);

  await redis.stop();
  const say = (body: string) => api.post(`/api/v1/bookings/${bookingId}/messages`, { body }, guest.auth);
  for (const body of ["one", "two", "three"]) t.is((await say(body)).status, 201, "writes keep working");
  const second = await api.post(
    "/api/v1/bookings",
    { listingId: listing.id, checkIn: day(8), checkOut: day(9), guests: 1 },
    guest.auth,
  );
  t.is(second.status, 201);
  const notifications = await api.get("/api/v1/notifications", host.auth);
  t.is(notifications.status, 200, "reads keep working");
  t.is(notifications.body.data.length, 5);

  // Any publish attempt has failed by now: the web's fast path said so, and the worker's relay had two more runs.
  await webProcess.waitFor(/events stay unpublished until Redis is back/, 10_000);
  await afterTaskRuns("publishEvents", 2);
  const pending = await db().query(
    "select id from events where user_ids @> array[$1]::uuid[] and published_at is null order by id",
    [host.id],
  );
  t.is(pending.rows.length, 4, "the fast path marked nothing it could not send");
  t.is(hostSocket.events.length, 1, "nothing reached the socket meanwhile");
  t.true(hostSocket.socket.connected, "sockets stay connected without Redis");

  await redis.start();
  // Written right away: it must still arrive after the backlog.
  t.is((await say("four")).status, 201);
  await hostSocket.waitForEvents(6, 15_000);
  await settle();
  const all = await db().query("select id, published_at from events where user_ids @> array[$1]::uuid[] order by id", [
    host.id,
  ]);
  t.deepEqual(
    hostSocket.ids(),
    all.rows.map((r) => Number(r.id)),
  );
  t.deepEqual(
    hostSocket.events.slice(1).map((e) => (e as EventEnvelope<"message.created">).data.body ?? e.type),
    ["one", "two", "three", "booking.created", "four"],
  );
  t.true(all.rows.every((r) => r.published_at !== null));
});

// Serial (run alone, first): the other test's web process would publish this file's pending events.
test.serial(
  "an event Redis took but lost in a restart, before this instance read it, still reaches the open socket",
  async (t) => {
    const redis = await PrivateRedis.start();
    const port = await freePort();
    // No sweeps: only the stream-gap resync can deliver an event already marked published.
    const webProcess = spawnEntry("server/main.ts", {
      PORT: String(port),
      REDIS_URL: redis.url,
      EVENTS_RELAY_INTERVAL_MS: "0",
    });
    t.teardown(async () => {
      await webProcess.stop("SIGKILL");
      await redis.stop();
      await closeFactories();
    });
    await webProcess.waitFor(/web listening/, 30_000);
    const url = `http://127.0.0.1:${port}`;
    const host = await createHost();
    const guest = await createGuest();
    const listing = await createListing(host);
    const hostSocket = await connectSocket(url, host.token); // no lastEventId: a fresh page
    t.teardown(hostSocket.close);
    const booked = await apiClient(url).post(
      "/api/v1/bookings",
      { listingId: listing.id, checkIn: day(4), checkOut: day(6), guests: 1 },
      guest.auth,
    );
    t.is(booked.status, 201);
    await hostSocket.waitForEvents(1);

    await redis.stop();
    // What a publisher's XADD that Redis acknowledged, then lost in its restart, leaves behind: the event
    // committed and marked published, yet in no stream any instance will read.
    const { rows } = await db().query(
      `insert into events (type, user_ids, data, published_at)
     values ('message.created', array[$1]::uuid[], $2::jsonb, now()) returning id`,
      [host.id, JSON.stringify({ id: "lost-in-redis", bookingId: booked.body.booking.id, body: "lost?" })],
    );
    const lostId = Number(rows[0].id);
    await redis.start();
    await hostSocket.waitForId(lostId, 10_000);
    await webProcess.waitFor(/Socket.IO stream gap: sockets replayed from PostgreSQL/);
    t.true(hostSocket.socket.connected, "the socket never had to reconnect");
    t.deepEqual(hostSocket.ids().slice(1), [lostId], "delivered once, after what the socket had");
    await settle();
    t.is(hostSocket.events.length, 2, "and nothing twice");
  },
);
