import "./helpers/env.js";

import test from "ava";
import { connectRealtime, type RealtimeClient } from "../shared/browser/client.js";
import type { EventEnvelope } from "../shared/events/eventMap.js";
import { eventually } from "./helpers/eventually.js";
import { closeFactories, createGuest, createHost, createListing, day, db, type TestUser } from "./helpers/factories.js";
import { apiClient } from "./helpers/http.js";
import { freePort, type Spawned, spawnEntry } from "./helpers/processes.js";
import { connectSocket, settle, type TestSocket } from "./helpers/sockets.js";

/**
 * Two web processes and a worker, each its own OS process, meeting only through PostgreSQL and the
 * Redis streams adapter. The web processes run no event relay here (EVENTS_RELAY=false): the
 * worker's relay leads and publishes every event, those of commands run by the web processes too.
 */
const processes: Spawned[] = [];
const closers: (() => void)[] = [];
const web: { port: number; url: string; process: Spawned }[] = [];
let worker: Spawned;

async function startWeb(port: number): Promise<Spawned> {
  const spawned = spawnEntry("server/main.ts", { PORT: String(port), EVENTS_RELAY: "false" });
  processes.push(spawned);
  await spawned.waitFor(/web listening/, 30_000);
  return spawned;
}

test.serial.before(async () => {
  const ports = [await freePort(), await freePort()];
  worker = spawnEntry("worker/main.ts", { CRON_EXPIRE_HOLDS_EVERY: "1 second" });
  processes.push(worker);
  const started = await Promise.all(ports.map(startWeb));
  for (const [i, port] of ports.entries()) web.push({ port, url: `http://127.0.0.1:${port}`, process: started[i] });
  await worker.waitFor(/worker started/, 30_000);
});
test.after.always(async () => {
  for (const close of closers) close();
  await Promise.all(processes.map((p) => p.stop("SIGKILL")));
  await closeFactories();
});

async function socketOn(url: string, user: TestUser): Promise<TestSocket> {
  const s = await connectSocket(url, user.token);
  closers.push(s.close);
  return s;
}

async function book(url: string, guest: TestUser, listingId: string, from: number) {
  const res = await apiClient(url).post(
    "/api/v1/bookings",
    { listingId, checkIn: day(from), checkOut: day(from + 2), guests: 1 },
    guest.auth,
  );
  if (res.status !== 201) throw new Error(`booking failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.booking as { id: string };
}

test.serial("a socket on instance B receives events caused by a request to instance A", async (t) => {
  const [a, b] = web;
  const host = await createHost();
  const guest = await createGuest();
  const listing = await createListing(host);
  const [hostOnB, guestOnA, thirdOnB, watcherOnB] = await Promise.all([
    socketOn(b.url, host),
    socketOn(a.url, guest),
    socketOn(b.url, await createGuest()),
    socketOn(b.url, await createGuest()),
  ]);
  t.deepEqual(await watcherOnB.subscribe({ listingId: listing.id }), { ok: true });

  const booking = await book(a.url, guest, listing.id, 3);
  const message = await apiClient(a.url).post(
    `/api/v1/bookings/${booking.id}/messages`,
    { body: "See you soon" },
    guest.auth,
  );
  t.is(message.status, 201);
  await hostOnB.waitForEvents(2);
  await guestOnA.waitForEvents(1);
  await watcherOnB.waitForEvents(1);
  await settle();
  t.deepEqual(
    hostOnB.events.map((e) => e.type),
    ["booking.created", "message.created"],
  );
  t.is((hostOnB.events[0] as EventEnvelope<"booking.created">).data.id, booking.id);
  t.deepEqual(
    guestOnA.events.map((e) => e.type),
    ["message.created"],
  );
  t.deepEqual(
    watcherOnB.events.map((e) => e.type),
    ["listing.availability"],
  );
  t.deepEqual(thirdOnB.events, []);
});

test.serial("a socket on instance B receives events sent by jobs in the worker", async (t) => {
  const [a, b] = web;
  const host = await createHost();
  const guest = await createGuest();
  const listing = await createListing(host);
  const hostOnB = await socketOn(b.url, host);
  const booking = await book(a.url, guest, listing.id, 10);
  await hostOnB.waitForEvents(1);

  // The expire sweep (a worker job running a command) expires the hold once it is past due.
  await db().query("update bookings set expires_at = now() - interval '1 minute' where id = $1", [booking.id]);
  await hostOnB.waitForEvents(2, 10_000);
  const expired = hostOnB.events[1] as EventEnvelope<"booking.updated">;
  t.is(expired.type, "booking.updated");
  t.is(expired.data.status, "expired");

  // An event committed by a process that runs no relay and wakes nobody: the worker's leader finds it.
  await db().query("select record_events($1::jsonb)", [
    JSON.stringify([{ type: "booking.updated", userIds: [host.id], data: { ...expired.data, note: "relayed" } }]),
  ]);
  const [relayed] = await hostOnB.waitForEvents(3, 10_000).then((events) => events.slice(2));
  t.is((relayed.data as { note?: string }).note, "relayed");
  t.true(relayed.id > expired.id);
  // The mark follows in the leader's next batch.
  await eventually(
    async () =>
      Number((await db().query("select published_through from event_relay_state")).rows[0].published_through) >=
      relayed.id,
    `the publish mark past event ${relayed.id}`,
    5000,
  );
});

test.serial("a web instance killed and restarted: its clients reconnect and miss nothing", async (t) => {
  const [a, b] = web;
  const host = await createHost();
  const guest = await createGuest();
  const listing = await createListing(host);
  const booking = await book(b.url, guest, listing.id, 20);
  // booking.created is published just after its commit; wait for that before the host connects, so
  // it is not received live (it is before this client's history, which starts at the next event).
  await eventually(
    async () => (await db().query("select count(*)::int as n from event_backlog")).rows[0].n === 0,
    "the host's events so far published",
    { timeoutMs: 10_000, intervalMs: 25 },
  );

  const client: RealtimeClient = connectRealtime(a.url, {
    token: host.token,
    socketOptions: { transports: ["websocket"], reconnectionDelay: 200, reconnectionDelayMax: 500, forceNew: true },
  });
  closers.push(client.close);
  const raw: number[] = [];
  client.socket.onAny((_name, envelope: EventEnvelope) => raw.push(envelope.id));
  const received: EventEnvelope[] = [];
  client.onAny((event) => received.push(event));
  await new Promise<void>((resolve) => client.socket.once("connect", () => resolve()));

  const say = (body: string) =>
    apiClient(b.url)
      .post(`/api/v1/bookings/${booking.id}/messages`, { body }, guest.auth)
      .then((r) => {
        if (r.status !== 201) throw new Error(`message failed: ${r.status}`);
      });
  await say("before the crash");
  await eventually(() => received.length === 1, "the message before the crash", { explain: () => raw });

  await a.process.stop("SIGKILL");
  await eventually(() => !client.socket.connected, "the client to see A gone");
  for (const body of ["while A is down 1", "while A is down 2", "while A is down 3"]) await say(body);

  a.process = await startWeb(a.port);
  const trail: string[] = [];
  client.socket.on("connect", () => trail.push(`connect recovered=${client.socket.recovered}`));
  client.socket.on("connect_error", (err) => trail.push(`connect_error ${err.message}`));
  await eventually(() => received.length === 4, "the three messages sent while A was down", {
    timeoutMs: 20_000,
    explain: () => ({ trail, raw, webA: a.process.output().slice(-2000) }),
  });
  await say("after the restart");
  await eventually(() => received.length === 5, "the message after the restart", { explain: () => raw });
  await settle();

  const expected = await db().query("select id from public_events where user_ids @> array[$1]::uuid[] order by id", [
    host.id,
  ]);
  const ids = expected.rows.map((r) => Number(r.id)).slice(1); // the booking.created came before the socket
  t.deepEqual(
    received.map((e) => e.id),
    ids,
  );
  t.deepEqual(
    received.map((e) => (e as EventEnvelope<"message.created">).data.body),
    ["before the crash", "while A is down 1", "while A is down 2", "while A is down 3", "after the restart"],
  );
  t.deepEqual(raw, ids, "the server itself sent each once, in order");
});
