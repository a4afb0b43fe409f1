import "./helpers/env.js";

import { setTimeout as sleep } from "node:timers/promises";
import test from "ava";
import type { EventEnvelope } from "../shared/events/eventMap.js";
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

  await sleep(1500); // any publish attempt has long failed by now
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
