/**
 * GraphQL benchmark, against REST in the same run (loopback only, bounded): the real app in this
 * process on port 0, on a fresh database cloned from the test template.
 *   1. a cached listing search: GET /api/v1/listings?city=… vs POST /graphql listings(filter: {city}),
 *      the same page of 20 with every REST field; autocannon at 20 connections, rounds alternated;
 *      target: GraphQL ≥ 0.7× REST's requests/s;
 *   2. booking.created delivered to the host: a Socket.IO socket and a graphql-ws myEvents subscription
 *      of the same host, both open; guests book over REST; latency from the POST's response to the
 *      arrival at each client; target: graphql-ws p99 ≤ 1.5× Socket.IO's.
 * autocannon runs in a forked child, as in bench:http.
 *
 *   npx tsx scripts/bench/graphql.ts   (BENCH_SECONDS=5 per round, 3 rounds)
 */
import { fork } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import autocannon from "autocannon";
import { createClient } from "graphql-ws";
import pg from "pg";
import { io as connectIo } from "socket.io-client";
import WebSocket from "ws";
import { benchDatabase } from "./benchDatabase.js";

const SECONDS = Math.min(Number(process.env.BENCH_SECONDS ?? 5), 20);
const ROUNDS = 3;
const BOOKINGS = Number(process.env.BENCH_BOOKINGS ?? 150);
process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? "error";
process.env.MAX_ACTIVE_HOLDS_PER_USER = "100";
process.env.RATE_LIMIT_BOOKINGS_PER_USER = "0";
const database = process.argv.includes("--load") ? null : benchDatabase("graphql");

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

/** Runs autocannon in a forked child (as bench:http does): in the app's own event loop it would steal the CPU it measures. */
function load(opts: autocannon.Options): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = fork(new URL(import.meta.url).pathname, ["--load"], { execArgv: ["--import", "tsx"] });
    child.once("message", (rps) => {
      resolve(rps as number);
      child.disconnect();
    });
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code) reject(new Error(`load generator exited with ${code}`));
    });
    child.send({ connections: 20, duration: SECONDS, ...opts });
  });
}

async function loadGenerator(): Promise<void> {
  const opts = await new Promise<autocannon.Options>((resolve) =>
    process.once("message", (m) => resolve(m as autocannon.Options)),
  );
  const result = await autocannon(opts);
  if (result.non2xx || result.errors) throw new Error(`${opts.url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  process.send?.(result.requests.average);
}

async function main(): Promise<void> {
  if (!database) throw new Error("no database");
  await database.create();
  const { startApp } = await import("../../test/helpers/app.js");
  const { issueToken } = await import("../../shared/domain/accounts/tokens.js");
  const app = await startApp();
  const db = new pg.Client({ connectionString: database.url });
  await db.connect();
  try {
    const user = async (role: string) => {
      const { rows } = await db.query(
        "insert into users (email, name, role, password_hash) values ($1, $2, $3, 'x') returning id",
        [`${role}-${Math.random()}@bench.test`, `Bench ${role}`, role],
      );
      return { id: rows[0].id as string, token: issueToken({ id: rows[0].id, role: role as "host", tokenVersion: 0 }) };
    };
    const host = await user("host");
    const listings: string[] = [];
    for (let i = 0; i < 100; i++) {
      const { rows } = await db.query(
        `insert into listings (host_id, title, description, city, country, price_per_night, currency, max_guests)
         values ($1, $2, 'A bench listing', 'Gondar', 'Ethiopia', $3, 'ETB', 4) returning id`,
        [host.id, `Listing ${i}`, 5000 + i],
      );
      listings.push(rows[0].id);
    }

    // 1. Search.
    const fields =
      "id hostId title description city country pricePerNight currency maxGuests status cancellationPolicy bookingMode " +
      "minNights maxNights timeZone latitude longitude ratingAverage reviewCount createdAt updatedAt stayTotal " +
      "pricing { weekendPrice cleaningFee includedGuests extraGuestFee weeklyDiscountPercent monthlyDiscountPercent " +
      "overrides { from to pricePerNight label } } photos { id position width height small medium large }";
    const graphqlBody = JSON.stringify({
      query:
        process.env.BENCH_GRAPHQL_QUERY ??
        `{ listings(filter: { city: "Gondar" }, first: 20) { edges { node { ${fields} } } pageInfo { endCursor } } }`,
    });
    const rest: number[] = [];
    const graphql: number[] = [];
    await load({ url: `${app.url}/api/v1/listings?city=Gondar`, duration: 2 }); // warm-up
    await load({
      url: `${app.url}/graphql`,
      method: "POST",
      headers: { "content-type": "application/json" },
      body: graphqlBody,
      duration: 2,
    });
    for (let round = 0; round < ROUNDS; round++) {
      rest.push(await load({ url: `${app.url}/api/v1/listings?city=Gondar` }));
      graphql.push(
        await load({
          url: `${app.url}/graphql`,
          method: "POST",
          headers: { "content-type": "application/json" },
          body: graphqlBody,
        }),
      );
    }
    const searchRatio = median(graphql) / median(rest);
    console.log(`search, 20 connections, ${SECONDS} s × ${ROUNDS} rounds (machine shared with other engineers):`);
    console.log(
      `  REST    req/s per round ${rest.map((r) => r.toFixed(0)).join(", ")} → median ${median(rest).toFixed(0)}`,
    );
    console.log(
      `  GraphQL req/s per round ${graphql.map((r) => r.toFixed(0)).join(", ")} → median ${median(graphql).toFixed(0)}`,
    );
    console.log(
      `  GraphQL / REST = ${searchRatio.toFixed(2)}× (target ≥ 0.7×) ${searchRatio >= 0.7 ? "OK" : "MISSED"}`,
    );

    // 2. booking.created to the host: Socket.IO and graphql-ws side by side.
    const arrived = { socket: new Map<string, number>(), ws: new Map<string, number>() };
    const socket = connectIo(app.url, { auth: { token: host.token }, transports: ["websocket"] });
    socket.on("booking.created", (e: { data: { id: string } }) => arrived.socket.set(e.data.id, performance.now()));
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    const ws = createClient({
      url: `${app.url.replace("http", "ws")}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { token: host.token },
    });
    ws.subscribe(
      { query: "subscription { myEvents { type booking { id } } }" },
      {
        next: (v) => {
          const e = (v.data as { myEvents: { type: string; booking: { id: string } | null } }).myEvents;
          if (e.type === "booking.created" && e.booking) arrived.ws.set(e.booking.id, performance.now());
        },
        error: (err) => console.error(err),
        complete: () => {},
      },
    );
    await sleep(500);
    const guests = await Promise.all(Array.from({ length: Math.ceil(BOOKINGS / 90) }, () => user("guest")));
    const sent = new Map<string, number>();
    for (let i = 0; i < BOOKINGS; i++) {
      const res = await fetch(`${app.url}/api/v1/bookings`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${guests[Math.floor(i / 90)].token}` },
        body: JSON.stringify({
          listingId: listings[i % listings.length],
          checkIn: day(10 + Math.floor(i / 100) * 2),
          checkOut: day(11 + Math.floor(i / 100) * 2),
          guests: 1,
        }),
      });
      const body = (await res.json()) as { booking?: { id: string } };
      if (!body.booking) throw new Error(`booking failed: ${JSON.stringify(body)}`);
      sent.set(body.booking.id, performance.now());
      await sleep(10);
    }
    const deadline = Date.now() + 10_000;
    while ((arrived.socket.size < BOOKINGS || arrived.ws.size < BOOKINGS) && Date.now() < deadline) await sleep(50);
    const latencies = (m: Map<string, number>) =>
      [...sent].map(([id, at]) => Math.max(0, (m.get(id) ?? Number.NaN) - at));
    const socketMs = latencies(arrived.socket);
    const wsMs = latencies(arrived.ws);
    const ratio = percentile(wsMs, 99) / percentile(socketMs, 99);
    console.log(
      `booking.created → host, ${BOOKINGS} bookings (${arrived.socket.size} by Socket.IO, ${arrived.ws.size} by graphql-ws):`,
    );
    console.log(
      `  Socket.IO  p50 ${percentile(socketMs, 50).toFixed(1)} ms, p99 ${percentile(socketMs, 99).toFixed(1)} ms`,
    );
    console.log(`  graphql-ws p50 ${percentile(wsMs, 50).toFixed(1)} ms, p99 ${percentile(wsMs, 99).toFixed(1)} ms`);
    console.log(
      `  graphql-ws / Socket.IO p99 = ${ratio.toFixed(2)}× (target ≤ 1.5×) ${ratio <= 1.5 ? "OK" : "MISSED"}`,
    );
    socket.close();
    await ws.dispose();
  } finally {
    await db.end();
    await app.close();
    await database.drop();
  }
  process.exit(0);
}

if (process.argv.includes("--load")) await loadGenerator();
else await main();
