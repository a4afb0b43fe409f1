import "./helpers/env.js";

import test from "ava";
import type { EventEnvelope } from "../shared/events/eventMap.js";
import { eventually } from "./helpers/eventually.js";
import { closeFactories, createGuest, createHost, createListing, day, db } from "./helpers/factories.js";
import { apiClient } from "./helpers/http.js";
import { PrivateRedis } from "./helpers/privateRedis.js";
import { freePort, spawnEntry } from "./helpers/processes.js";
import { connectSocket, settle } from "./helpers/sockets.js";

test("Redis stopped: the REST API keeps working, events stay unpublished, and once Redis is back they arrive in order", async (t) => {
  const redis = await PrivateRedis.start();
  const port = await freePort();
  const webProcess = spawnEntry("server/main.ts", { PORT: String(port), REDIS_URL: redis.url });
  const worker = spawnEntry("worker/main.ts", { REDIS_URL: redis.url });
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

  // The leading relay (web or worker) gives the events their ids, and holds them back until Redis is back.
  await eventually(
    async () =>
      (
        await db().query(
          `select count(*)::int as n from public_events
            where user_ids @> array[$1]::uuid[] and id > (select published_through from event_relay_state)`,
          [host.id],
        )
      ).rows[0].n === 4,
    "the four events given ids and not published",
  );
  await Promise.race([
    webProcess.waitFor(/events stay unpublished until Redis is back/, 10_000),
    worker.waitFor(/events stay unpublished until Redis is back/, 10_000),
  ]);
  t.is(hostSocket.events.length, 1, "nothing reached the socket meanwhile");
  t.true(hostSocket.socket.connected, "sockets stay connected without Redis");

  await redis.start();
  // Written right away: it must still arrive after the backlog.
  t.is((await say("four")).status, 201);
  await hostSocket.waitForEvents(6, 15_000);
  await settle();
  const all = await db().query("select id from public_events where user_ids @> array[$1]::uuid[] order by id", [
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
  const last = Number(all.rows.at(-1).id);
  const mark = await eventually(async () => {
    const { rows } = await db().query("select published_through::int as mark from event_relay_state");
    return rows[0].mark >= last ? rows[0].mark : null;
  }, "the publish mark past every event sent");
  t.true(mark >= last);
});

// Serial (run alone, first): the other test's web process would publish this file's pending events.
test.serial(
  "an event Redis took but lost in a restart, before this instance read it, still reaches the open socket",
  async (t) => {
    const redis = await PrivateRedis.start();
    const port = await freePort();
    // Only the stream-gap resync can deliver an event already past the publish mark.
    const webProcess = spawnEntry("server/main.ts", { PORT: String(port), REDIS_URL: redis.url });
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
    // committed and below the publish mark, yet in no stream any instance will read.
    const { rows } = await db().query(
      `with lost as (insert into events (type, user_ids, data)
                     values ('message.created', array[$1]::uuid[], $2::jsonb) returning id),
            marked as (update event_relay_state set published_through = (select id from lost))
       select id from lost`,
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
