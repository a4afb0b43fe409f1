/**
 * Real-time benchmark (loopback only, bounded, stops by itself). A real web process (server/main.ts,
 * its own OS process) against a fresh database cloned from the test template and its own Redis key
 * prefix; Socket.IO clients (websocket transport) in two forked processes, so neither the server's
 * event loop nor one client loop measures the other. Prints:
 *   - latency from the HTTP response of a booking POST to booking.created at the host's socket,
 *     p50/p99, with BENCH_SOCKETS (2,000) sockets connected and BENCH_RATE (100) bookings/s;
 *   - fan-out of one listing.availability event to every socket (first to last arrival);
 *   - the web process's resident memory per 1,000 sockets (VmRSS before/after), then with
 *     BENCH_MAX_SOCKETS (10,000) sockets if they connect within 20 s.
 *
 *   npx tsx scripts/bench/realtime.ts      (BENCH_SECONDS=10 of bookings by default, at most 20)
 */
import { type ChildProcess, fork, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { benchDatabase } from "./benchDatabase.js";

const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 2000);
const MAX_SOCKETS = Number(process.env.BENCH_MAX_SOCKETS ?? 10_000);
const RATE = Number(process.env.BENCH_RATE ?? 100);
const SECONDS = Math.min(Number(process.env.BENCH_SECONDS ?? 10), 20);
const FANOUTS = 5;
const CHILDREN = 2;

const database = benchDatabase("rt");
process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? "warn";

/** A shared clock across processes (ms since the epoch, sub-ms precision). */
const now = () => performance.timeOrigin + performance.now();

// ---------------------------------------------------------------- client processes

type ToClient =
  | { cmd: "connect"; url: string; tokens: string[]; total: number }
  | { cmd: "subscribe"; listingId: string }
  | { cmd: "report" };
type FromClient =
  | { ok: "connected"; connected: number; failed: number }
  | { ok: "subscribed"; acked: number }
  | { ok: "report"; created: [string, number][]; fanout: [number, number, number, number][] };

async function clientProcess(): Promise<void> {
  const { io } = await import("socket.io-client");
  type ClientSocket = ReturnType<typeof io>;
  const sockets: ClientSocket[] = [];
  const created = new Map<string, number>(); // booking id → arrival at its host
  const fanout = new Map<number, { first: number; last: number; count: number }>(); // event id → arrivals
  const send = (message: FromClient) => process.send!(message);

  const open = (url: string, token: string, record: boolean) =>
    new Promise<boolean>((resolve) => {
      const socket = io(url, { transports: ["websocket"], reconnection: false, forceNew: true, auth: { token } });
      if (record) {
        socket.on("booking.created", (e: { data: { id: string } }) => {
          if (!created.has(e.data.id)) created.set(e.data.id, now());
        });
        socket.on("listing.availability", (e: { id: number }) => {
          const t = now();
          const f = fanout.get(e.id);
          if (!f) fanout.set(e.id, { first: t, last: t, count: 1 });
          else {
            f.last = Math.max(f.last, t);
            f.count++;
          }
        });
      }
      socket.once("connect", () => {
        sockets.push(socket);
        resolve(true);
      });
      socket.once("connect_error", () => {
        socket.close();
        resolve(false);
      });
    });

  process.on("message", async (message: ToClient) => {
    if (message.cmd === "connect") {
      // `total` sockets, cycling over the tokens; only the first round listens (one socket per user).
      let failed = 0;
      const deadline = Date.now() + 20_000;
      for (let i = sockets.length; i < message.total && Date.now() < deadline; i += 100) {
        const batch = Array.from({ length: Math.min(100, message.total - i) }, (_, j) => i + j);
        const results = await Promise.all(
          batch.map((n) => open(message.url, message.tokens[n % message.tokens.length], n < message.tokens.length)),
        );
        failed += results.filter((ok) => !ok).length;
      }
      send({ ok: "connected", connected: sockets.length, failed });
    } else if (message.cmd === "subscribe") {
      const acks = await Promise.all(
        sockets.slice(0, Math.ceil(SOCKETS / CHILDREN)).map((s) =>
          s
            .timeout(10_000)
            .emitWithAck("subscribe", { listingId: message.listingId })
            .catch(() => null),
        ),
      );
      send({ ok: "subscribed", acked: acks.filter((a) => a?.ok).length });
    } else {
      send({
        ok: "report",
        created: [...created],
        fanout: [...fanout].map(([id, f]) => [id, f.first, f.last, f.count]),
      });
    }
  });
}

// ---------------------------------------------------------------- the driver

const root = fileURLToPath(new URL("../..", import.meta.url));

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith("VmRSS:"));
  return Number(line?.match(/(\d+)/)?.[1] ?? 0) / 1024;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

function day(n: number): string {
  const d = new Date();
  d.setUTCHours(0, 0, 0, 0);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

function ask(child: ChildProcess, message: ToClient): Promise<FromClient> {
  return new Promise((resolve) => {
    child.once("message", (reply) => resolve(reply as FromClient));
    child.send(message);
  });
}

async function main(): Promise<void> {
  await database.create();
  const { issueToken } = await import("../../shared/domain/accounts/tokens.js");
  const sql = new pg.Pool({ connectionString: database.url, max: 4 });

  // Seed: half hosts (one listing each), half guests; one more host owns the fan-out listing.
  const half = SOCKETS / 2;
  const users = async (role: string, count: number) =>
    (
      await sql.query(
        `insert into users (email, name, role, password_hash)
         select $1 || n || '@bench.test', initcap($1) || ' ' || n, $1, 'x' from generate_series(1, $2) n returning id`,
        [role, count],
      )
    ).rows.map((r) => r.id as string);
  const hosts = await users("host", half + 1);
  const guests = await users("guest", half);
  const { rows: listings } = await sql.query(
    `insert into listings (host_id, title, description, city, country, price_per_night, currency, max_guests)
     select h, 'Stay', 'A bench listing', 'Addis Ababa', 'Ethiopia', 5000, 'ETB', 4 from unnest($1::uuid[]) h
     returning id, host_id`,
    [hosts],
  );
  const listingOf = new Map(listings.map((l) => [l.host_id as string, l.id as string]));
  const fanoutListing = listingOf.get(hosts[half])!;
  const token = (id: string, role: "host" | "guest") => issueToken({ id, role, tokenVersion: 0 });
  const hostTokens = hosts.slice(0, half).map((id) => token(id, "host"));
  const guestTokens = guests.map((id) => token(id, "guest"));

  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const web = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      RATE_LIMIT_BOOKINGS_PER_USER: "0",
      NODE_ENV: "development",
      // Thousands of sockets from one loopback address, several per user: lift the abuse caps.
      SOCKET_MAX_PER_IP: "1000000",
      SOCKET_MAX_PER_USER: "1000000",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  const children: ChildProcess[] = [];
  try {
    for (let i = 0; ; i++) {
      if (i > 150) throw new Error("the web process did not start");
      if (
        await fetch(`${url}/healthz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      await sleep(200);
    }
    const rssIdle = rssMb(web.pid!);

    for (let i = 0; i < CHILDREN; i++) {
      children.push(fork(fileURLToPath(import.meta.url), ["--client"], { execArgv: ["--import", "tsx"] }));
    }
    // Each child: half of the hosts and half of the guests, so both loops see booking alerts.
    const tokensOf = (i: number) => [
      ...hostTokens.filter((_, n) => n % CHILDREN === i),
      ...guestTokens.filter((_, n) => n % CHILDREN === i),
    ];
    const connect = async (total: number) => {
      const started = Date.now();
      const replies = await Promise.all(
        children.map((c, i) => ask(c, { cmd: "connect", url, tokens: tokensOf(i), total: total / CHILDREN })),
      );
      const connected = replies.reduce((n, r) => n + (r.ok === "connected" ? r.connected : 0), 0);
      return { connected, seconds: (Date.now() - started) / 1000 };
    };
    const first = await connect(SOCKETS);
    await sleep(1000);
    const rssConnected = rssMb(web.pid!);
    console.log(`${first.connected} sockets connected in ${first.seconds.toFixed(1)} s`);

    // Latency: RATE bookings/s for SECONDS, each a new stay on some host's listing, after 2 s of the
    // same load to warm up (JIT, connection pools) that are not counted.
    const responded = new Map<string, number>();
    let failed = 0;
    const warmUp = RATE * 2;
    const total = RATE * SECONDS + warmUp;
    const startedAt = now();
    const inflight: Promise<void>[] = [];
    const httpTimes: number[] = [];
    for (let i = 0; i < total; i++) {
      const due = startedAt + (i * 1000) / RATE;
      if (due > now()) await sleep(due - now());
      const sentAt = now();
      const host = hosts[i % half];
      const night = 1 + 2 * Math.floor(i / half);
      const counted = i >= warmUp;
      inflight.push(
        fetch(`${url}/api/v1/bookings`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${guestTokens[i % half]}` },
          body: JSON.stringify({
            listingId: listingOf.get(host),
            checkIn: day(night),
            checkOut: day(night + 1),
            guests: 1,
          }),
        }).then(async (res) => {
          const at = now();
          const body = (await res.json()) as { booking?: { id: string } };
          if (res.status !== 201 || !body.booking) failed++;
          else if (counted) {
            responded.set(body.booking.id, at);
            httpTimes.push(at - sentAt);
          }
        }),
      );
    }
    await Promise.all(inflight);
    const achieved = total / ((now() - startedAt) / 1000);
    const measured = total - warmUp;
    await sleep(1000);

    // Fan-out: every socket subscribes to one listing; each new booking there publishes its availability.
    const subscribed = await Promise.all(children.map((c) => ask(c, { cmd: "subscribe", listingId: fanoutListing })));
    const subscribers = subscribed.reduce((n, r) => n + (r.ok === "subscribed" ? r.acked : 0), 0);
    // The first one warms the broadcast path up and is not counted.
    for (let i = 0; i <= FANOUTS; i++) {
      const res = await fetch(`${url}/api/v1/bookings`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${guestTokens[i]}` },
        body: JSON.stringify({
          listingId: fanoutListing,
          checkIn: day(300 + 2 * i),
          checkOut: day(301 + 2 * i),
          guests: 1,
        }),
      });
      if (res.status !== 201) throw new Error(`fan-out booking failed: ${res.status}`);
      await sleep(500);
    }

    const reports = (await Promise.all(children.map((c) => ask(c, { cmd: "report" })))).filter(
      (r): r is Extract<FromClient, { ok: "report" }> => r.ok === "report",
    );
    const latencies: number[] = [];
    for (const r of reports)
      for (const [id, arrived] of r.created) {
        const answered = responded.get(id);
        if (answered !== undefined) latencies.push(arrived - answered);
      }
    latencies.sort((a, b) => a - b);
    const fan = new Map<number, { first: number; last: number; count: number }>();
    for (const r of reports)
      for (const [id, f, l, count] of r.fanout) {
        const m = fan.get(id);
        fan.set(
          id,
          m
            ? { first: Math.min(m.first, f), last: Math.max(m.last, l), count: m.count + count }
            : { first: f, last: l, count },
        );
      }
    const spreads = [...fan.entries()]
      .sort(([a], [b]) => a - b)
      .slice(1)
      .map(([, f]) => f)
      .map((f) => ({ ms: f.last - f.first, count: f.count }));

    // Memory with MAX_SOCKETS connected (the same users, several sockets each).
    const more = MAX_SOCKETS > SOCKETS ? await connect(MAX_SOCKETS) : null;
    await sleep(1000);
    const rssMax = rssMb(web.pid!);

    const perThousand = ((rssConnected - rssIdle) / first.connected) * 1000;
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    const worstFan = Math.max(...spreads.map((s) => s.ms));
    httpTimes.sort((a, b) => a - b);
    console.log(
      `\nbooking → host socket (${latencies.length} of ${measured} bookings, ${failed} failed, ${achieved.toFixed(0)}/s):`,
    );
    console.log(
      `  p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${latencies.at(-1)?.toFixed(1)} ms (targets ≤ 10 / ≤ 50) ${p50 <= 10 && p99 <= 50 ? "PASS" : "FAIL"}`,
    );
    console.log(
      `  (the POST itself: p50 ${percentile(httpTimes, 50).toFixed(1)} ms, p99 ${percentile(httpTimes, 99).toFixed(1)} ms)`,
    );
    console.log(`fan-out of listing.availability to ${subscribers} subscribers (first → last arrival):`);
    console.log(
      `  ${spreads.map((s) => `${s.ms.toFixed(1)} ms (${s.count})`).join(", ")}; worst ${worstFan.toFixed(1)} ms (target ≤ 100) ${worstFan <= 100 ? "PASS" : "FAIL"}`,
    );
    console.log(
      `web process RSS: idle ${rssIdle.toFixed(0)} MB, ${first.connected} sockets ${rssConnected.toFixed(0)} MB → ${perThousand.toFixed(1)} MB per 1,000 sockets`,
    );
    if (more) {
      const extrapolated = rssIdle + ((rssMax - rssIdle) / more.connected) * 10_000;
      console.log(
        `  ${more.connected} sockets ${rssMax.toFixed(0)} MB (${(((rssMax - rssIdle) / more.connected) * 1000).toFixed(1)} MB per 1,000; ` +
          `${extrapolated.toFixed(0)} MB at 10,000, target < 500) ${extrapolated < 500 ? "PASS" : "FAIL"}`,
      );
    }
  } finally {
    for (const c of children) c.kill("SIGKILL");
    web.kill("SIGKILL");
    await sql.end();
    await sleep(300);
    await database.drop();
    // Our stream and session keys (the prefix is this run's own).
    const { createRedis } = await import("../../shared/redis.js");
    const redis = createRedis("bench-cleanup");
    const keys = await redis.keys(`${process.env.REDIS_KEY_PREFIX}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  }
}

if (process.argv.includes("--client")) {
  await clientProcess();
} else {
  await main();
  process.exit(0);
}
