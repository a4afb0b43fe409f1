import "./helpers/env.js";

import { setTimeout as sleep } from "node:timers/promises";
import test from "ava";
import { eventually } from "./helpers/eventually.js";
import { closeFactories, createGuest, db, type TestUser } from "./helpers/factories.js";
import { freePort, type Spawned, spawnEntry } from "./helpers/processes.js";
import { connectSocket } from "./helpers/sockets.js";

/**
 * Issue 16's proof that nothing is lost or reordered without the global lock: two emitter processes
 * write events in thousands of lock-free transactions while two web processes (each with an event
 * relay; one leads) serve clients that connect, disconnect and resume with lastEventId at random
 * moments, on either process; midway the second web process is killed (SIGKILL: its relay may have
 * been the leader) and started again. Each client's sessions, put end to end, must have received
 * exactly its user's events after the first resume point, each once, in increasing id order.
 */
const USERS = 6;
const TRANSACTIONS_PER_EMITTER = Number(process.env.EVENTS_TEST_TRANSACTIONS ?? 1000);
const processes: Spawned[] = [];

test.after.always(async () => {
  await Promise.all(processes.map((p) => p.stop("SIGKILL")));
  await closeFactories();
});

function startWeb(port: number): Spawned {
  const web = spawnEntry("server/main.ts", {
    PORT: String(port),
    EVENTS_RELAY_ELECTION_MS: "200",
    SOCKET_MAX_PER_USER: "1000",
    SOCKET_MAX_PER_IP: "100000",
  });
  processes.push(web);
  return web;
}

test("thousands of lock-free events from several processes, clients resuming at random on two web processes, one killed: each client gets its user's events exactly once, in order", async (t) => {
  t.timeout(240_000);
  const phase = (what: string) => t.log(`${new Date().toISOString().slice(11, 23)} ${what}`);
  const users: TestUser[] = [];
  for (let i = 0; i < USERS; i++) users.push(await createGuest());
  const [{ start }] = (await db().query("select coalesce(max(id), 0)::int as start from public_events")).rows;

  const ports = [await freePort(), await freePort()];
  const urls = ports.map((port) => `http://127.0.0.1:${port}`);
  const webs = ports.map(startWeb);
  await Promise.all(webs.map((w) => w.waitFor(/web listening/, 60_000)));
  const up = [true, true];

  // Clients: one per user, each a chain of short sessions resuming from the last id it received.
  let stopping = false;
  const received = users.map(() => [] as number[]);
  const sessions = users.map(() => 0);
  const clients = users.map(async (user, u) => {
    let last = start;
    while (!stopping) {
      const live = urls.filter((_, i) => up[i]);
      const url = live[Math.floor(Math.random() * live.length)];
      let socket: Awaited<ReturnType<typeof connectSocket>>;
      try {
        socket = await Promise.race([
          connectSocket(url, user.token, { lastEventId: last }),
          sleep(5000).then(() => Promise.reject(new Error("no handshake within 5 s"))),
        ]);
      } catch {
        await sleep(50); // the process is down or starting: try again, maybe elsewhere
        continue;
      }
      sessions[u]++;
      await sleep(30 + Math.random() * 300);
      socket.close();
      for (const event of socket.events) received[u].push(event.id);
      if (received[u].length) last = received[u][received[u].length - 1];
    }
    return last;
  });

  const emitters = ["a", "b"].map((tag) => {
    const emitter = spawnEntry("test/helpers/eventEmitterProcess.ts", {
      EMIT_USERS: users.map((u) => u.id).join(","),
      EMIT_COUNT: String(TRANSACTIONS_PER_EMITTER),
      EMIT_TAG: tag,
    });
    processes.push(emitter);
    return emitter;
  });
  const total = emitters.length * TRANSACTIONS_PER_EMITTER * 1.5;

  // Midway, the second web process is killed, then started again on its port.
  await eventually(
    async () => (await db().query("select count(*)::int as n from committed_events")).rows[0].n >= total / 2,
    "half the events written",
    { timeoutMs: 90_000, intervalMs: 50 },
  );
  phase("half written: killing the second web process");
  up[1] = false;
  await webs[1].stop("SIGKILL");
  webs[1] = startWeb(ports[1]);
  await webs[1].waitFor(/web listening/, 60_000);
  up[1] = true;

  phase("restarted");
  await Promise.all(emitters.map((e) => e.waitFor(/emitted \d+ events/, 90_000)));
  phase("emitters done");
  await eventually(
    async () => (await db().query("select count(*)::int as n from event_backlog")).rows[0].n === 0,
    "every event published",
    { timeoutMs: 30_000, intervalMs: 50 },
  );
  stopping = true;
  const lasts = await Promise.all(clients);
  phase("published; last sessions");

  // A last session each, to collect what came after its last resume point.
  for (const [u, user] of users.entries()) {
    const expected = (
      await db().query(
        "select id::int from public_events where id > $1 and user_ids @> array[$2]::uuid[] order by id",
        [start, user.id],
      )
    ).rows.map((r) => r.id as number);
    const socket = await connectSocket(urls[0], user.token, { lastEventId: lasts[u] });
    const newest = expected[expected.length - 1];
    if (newest > lasts[u]) await socket.waitForId(newest, 20_000);
    socket.close();
    for (const event of socket.events) received[u].push(event.id);
    t.true(sessions[u] >= 5, `user ${u} resumed ${sessions[u]} times`);
    t.deepEqual(received[u], expected, `user ${u}: exactly its events after its resume points, once each, in order`);
  }
  const written = (await db().query("select count(*)::int as n from public_events where id > $1", [start])).rows[0].n;
  t.is(written, total, "every event the emitters wrote");
  t.log(
    `${written} events; per client: ${received.map((ids, u) => `${ids.length} events in ${sessions[u] + 1} sessions`).join(", ")}`,
  );
});
