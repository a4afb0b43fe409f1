import "./helpers/env.js";
import test from "ava";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { eventually } from "./helpers/eventually.js";
import { closeFactories, createGuest, createHost, createListing, day, db } from "./helpers/factories.js";
import { apiClient } from "./helpers/http.js";
import { PrivateRedis } from "./helpers/privateRedis.js";
import { freePort, spawnEntry } from "./helpers/processes.js";
import { settle } from "./helpers/sockets.js";

test("an event Redis took but lost in a restart still reaches an open myEvents subscription, once", async (t) => {
  const redis = await PrivateRedis.start();
  const port = await freePort();
  // A real web process on its own Redis: only the stream-gap replay can deliver an event past the publish mark.
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
  const ids: number[] = [];
  let closed = false;
  const client = createClient({
    url: `ws://127.0.0.1:${port}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { token: host.token },
    retryAttempts: 0,
    on: { closed: () => (closed = true) },
  });
  t.teardown(() => client.dispose());
  client.subscribe(
    { query: "subscription { myEvents { id type } }" },
    {
      next: (v) => ids.push(Number((v.data as { myEvents: { id: string } }).myEvents.id)),
      error: () => {},
      complete: () => {},
    },
  );
  // Bookings on later and later nights until one reaches the subscription live (it replays nothing older).
  let night = 4;
  await eventually(async () => {
    await apiClient(url).post(
      "/api/v1/bookings",
      { listingId: listing.id, checkIn: day(night), checkOut: day(night + 1), guests: 1 },
      guest.auth,
    );
    night += 2;
    return ids.length > 0;
  }, "the subscription to be live (a booking.created)");
  const before = ids.length;
  const {
    rows: [booking],
  } = await db().query("select id from bookings where listing_id = $1 limit 1", [listing.id]);

  await redis.stop();
  // An XADD Redis acknowledged, then lost in its restart: committed, below the publish mark, in no stream.
  const { rows } = await db().query(
    `with lost as (insert into events (type, user_ids, data)
                   values ('message.created', array[$1]::uuid[], $2::jsonb) returning id),
          marked as (update event_relay_state set published_through = (select id from lost))
     select id from lost`,
    [host.id, JSON.stringify({ id: "lost-in-redis", bookingId: booking.id, body: "lost?" })],
  );
  const lostId = Number(rows[0].id);
  await redis.start();
  await eventually(() => ids.includes(lostId), "the lost event, replayed from PostgreSQL", { timeoutMs: 15_000 });
  await settle();
  t.false(closed, "the subscription never had to reconnect");
  t.deepEqual(ids.slice(before), [lostId], "delivered once, after what it had");
});
