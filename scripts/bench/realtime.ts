/**
 * Real-time benchmark (loopback only, bounded, stops by itself). A real web process (server/main.ts,
 * its own OS process) against a fresh database cloned from the test template and its own Redis key
 * prefix, and in the same run a bare reference (scripts/bench/bareSocketServer.ts: Socket.IO, same
 * websocket transport, no auth, database or Redis adapter, its own OS process). Socket.IO clients in
 * two forked processes hold BENCH_SOCKETS (2,000) sockets to each, so neither server's event loop nor
 * one client loop measures the other. Rounds alternate between the two (the machine's load drifts
 * over both alike); medians of the rounds are printed for both, then the ratios with the targets:
 *   - booking POST → booking.created at the host's socket, at BENCH_RATE (100)/s for BENCH_SECONDS
 *     (5) per round, BENCH_ROUNDS (5) rounds; the bare side: POST /emit to the room of one socket. Both
 *     count from the arrival of the trigger's HTTP response. Target: web p99 ≤ 2× bare p99;
 *   - fan-out of one listing.availability event to every socket (first → last arrival), 5 of each
 *     after one warm-up. Target: web ≤ 1.5× bare;
 *   - resident memory (VmRSS) idle, at 2,000 sockets, then at BENCH_MAX_SOCKETS (10,000) connected, one
 *     server at a time. Target: web process < 400 MB at 10,000 (measured, not extrapolated).
 * Both servers run as deployed: `npm run build` first, then plain `node dist/…` (the Procfile's and
 * the Dockerfile's command). Run from source through tsx, a web process holds some 60 MB more (the
 * loader, its transpiled sources and their source maps), which no deployment carries;
 * BENCH_FROM_SOURCE=1 measures that way instead.
 *
 *   npx tsx scripts/bench/realtime.ts      (about 2 minutes)
 */
import { type ChildProcess, execFileSync, fork, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { type AddressInfo, createServer as createNetServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { benchDatabase } from "./benchDatabase.js";

const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 2000);
const MAX_SOCKETS = Number(process.env.BENCH_MAX_SOCKETS ?? 10_000);
const RATE = Number(process.env.BENCH_RATE ?? 100);
const SECONDS = Math.min(Number(process.env.BENCH_SECONDS ?? 5), 10);
const ROUNDS = Math.min(Number(process.env.BENCH_ROUNDS ?? 5), 7);
const FANOUTS = 5;
/** How long one connect step may take (the 10,000 step on a loaded machine needs more than 20 s). */
const CONNECT_SECONDS = 60;
const WATCHDOG_MINUTES = 8;
const CHILDREN = 2;

const database = benchDatabase("rt");
process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? "warn";

/**
 * One clock for every process of the run: CLOCK_MONOTONIC (process.hrtime), the same for the whole
 * machine, in ms with sub-ms precision. (performance.timeOrigin + performance.now() is not: each
 * process's time origin is fixed at its start and differs from another's by up to tens of ms on a
 * loaded machine, an offset that went whole into every latency measured across processes.)
 */
const now = () => Number(process.hrtime.bigint()) / 1e6;

// ---------------------------------------------------------------- client processes

/** Which server a client command is about: the web process or the bare reference. */
type Target = "app" | "bare";
type ToClient =
  | { cmd: "connect"; target: Target; url: string; tokens: string[]; total: number }
  | { cmd: "subscribe"; target: Target; listingId: string }
  | { cmd: "close"; target: Target }
  | { cmd: "report"; target: Target };
type FromClient =
  | { ok: "connected"; connected: number; failed: number }
  | { ok: "subscribed"; acked: number }
  | { ok: "closed" }
  | { ok: "report"; created: [string, number][]; fanout: [number, number, number, number][] };

async function clientProcess(): Promise<void> {
  process.on("disconnect", () => process.exit(0)); // never outlive the driver
  const { io } = await import("socket.io-client");
  type ClientSocket = ReturnType<typeof io>;
  type Arrivals = { first: number; last: number; count: number };
  const state = (target: Target) => {
    let s = states.get(target);
    if (!s) {
      s = { sockets: [], created: new Map(), fanout: new Map() };
      states.set(target, s);
    }
    return s;
  };
  // Per target: its sockets, booking id → arrival at its host, event id → arrivals.
  const states = new Map<
    Target,
    { sockets: ClientSocket[]; created: Map<string, number>; fanout: Map<number, Arrivals> }
  >();
  const send = (message: FromClient) => process.send!(message);

  const open = (target: Target, url: string, token: string, record: boolean) =>
    new Promise<boolean>((resolve) => {
      const { sockets, created, fanout } = state(target);
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
    const { sockets, created, fanout } = state(message.target);
    if (message.cmd === "connect") {
      // `total` sockets, cycling over the tokens; only the first round listens (one socket per user).
      let failed = 0;
      const deadline = Date.now() + CONNECT_SECONDS * 1000;
      for (let i = sockets.length; i < message.total && Date.now() < deadline; i += 100) {
        const batch = Array.from({ length: Math.min(100, message.total - i) }, (_, j) => i + j);
        const results = await Promise.all(
          batch.map((n) =>
            open(message.target, message.url, message.tokens[n % message.tokens.length], n < message.tokens.length),
          ),
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
    } else if (message.cmd === "close") {
      for (const s of sockets.splice(0)) s.close();
      send({ ok: "closed" });
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

const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
const verdict = (ok: boolean) => (ok ? "PASS" : "FAIL");

/** A port free on loopback now (the OS picks it), so the health check never reaches another server. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

const FROM_SOURCE = process.env.BENCH_FROM_SOURCE === "1";

/** `server/main.ts` → how it runs: `dist/server/main.js` as built, or the source through tsx. */
function entry(source: string): string[] {
  return FROM_SOURCE ? ["--import", "tsx", source] : [`dist/${source.replace(/\.ts$/, ".js")}`];
}

/** Starts a server process and waits for its /healthz; tries another port if it exits first. */
async function startServer(source: string, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(process.execPath, entry(source), {
      cwd: root,
      env: { ...process.env, ...env, PORT: String(port) },
      stdio: ["ignore", "ignore", "inherit"],
    });
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i <= 150 && child.exitCode === null && child.signalCode === null; i++) {
      if (
        await fetch(`${url}/healthz`).then(
          (r) => r.ok,
          () => false,
        )
      )
        return { child, url };
      await sleep(200);
    }
    child.kill("SIGKILL");
    if (attempt === 3) throw new Error(`${source} did not start`);
  }
}

async function main(): Promise<void> {
  await database.create();
  if (!FROM_SOURCE) {
    console.log("building (npm run build): both servers run as built JavaScript, as deployed");
    execFileSync("npm", ["run", "build"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  }
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

  const servers: ChildProcess[] = [];
  const children: ChildProcess[] = [];
  // Bounded: whatever hangs, the run ends after WATCHDOG_MINUTES with its processes killed.
  const watchdog = setTimeout(() => {
    console.error(`bench:realtime: still running after ${WATCHDOG_MINUTES} minutes; stopping`);
    for (const p of [...children, ...servers]) p.kill("SIGKILL");
    process.exit(1);
  }, WATCHDOG_MINUTES * 60_000);
  watchdog.unref();
  try {
    const app = await startServer("server/main.ts", {
      RATE_LIMIT_BOOKINGS_PER_USER: "0",
      // Each guest holds many stays over the rounds, none paid: the hold limit is not what is measured.
      MAX_ACTIVE_HOLDS_PER_USER: "100",
      NODE_ENV: "development",
      // Thousands of sockets from one loopback address, several per user: lift the abuse caps.
      SOCKET_MAX_PER_IP: "1000000",
      SOCKET_MAX_PER_USER: "1000000",
    });
    servers.push(app.child);
    const bare = await startServer("scripts/bench/bareSocketServer.ts", {});
    servers.push(bare.child);
    const urlOf = { app: app.url, bare: bare.url };
    const pidOf = { app: app.child.pid!, bare: bare.child.pid! };
    const rssIdle = { app: rssMb(pidOf.app), bare: rssMb(pidOf.bare) };

    for (let i = 0; i < CHILDREN; i++) {
      children.push(fork(fileURLToPath(import.meta.url), ["--client"], { execArgv: ["--import", "tsx"] }));
    }
    // Each child: half of the hosts and half of the guests, so both loops see booking alerts. The bare
    // server puts each socket in the room named by its token: the same rooms of one user's sockets.
    const tokensOf = (i: number) => [
      ...hostTokens.filter((_, n) => n % CHILDREN === i),
      ...guestTokens.filter((_, n) => n % CHILDREN === i),
    ];
    const connect = async (target: Target, total: number) => {
      const started = Date.now();
      const replies = await Promise.all(
        children.map((c, i) =>
          ask(c, { cmd: "connect", target, url: urlOf[target], tokens: tokensOf(i), total: total / CHILDREN }),
        ),
      );
      const connected = replies.reduce((n, r) => n + (r.ok === "connected" ? r.connected : 0), 0);
      return { connected, seconds: (Date.now() - started) / 1000 };
    };
    const close = (target: Target) => Promise.all(children.map((c) => ask(c, { cmd: "close", target })));
    const firstApp = await connect("app", SOCKETS);
    const firstBare = await connect("bare", SOCKETS);
    await sleep(1000);
    const rssConnected = { app: rssMb(pidOf.app), bare: rssMb(pidOf.bare) };
    console.log(
      `sockets connected: web ${firstApp.connected} in ${firstApp.seconds.toFixed(1)} s, bare ${firstBare.connected} in ${firstBare.seconds.toFixed(1)} s`,
    );

    // One trigger of "an event for this host": a booking on the host's listing (app), or an emit to the
    // room of the host's token (bare). Latency counts from the arrival of the trigger's HTTP response
    // to booking.created at the host's socket, the same definition on both sides.
    let bookingsMade = 0; // every app booking gets a fresh night on its listing
    const responded = { app: new Map<string, number>(), bare: new Map<string, number>() };
    const roundOf = new Map<string, number>();
    const httpTimes = { app: [] as number[], bare: [] as number[] };
    const failures = { app: 0, bare: 0 };
    const trigger = async (target: Target, i: number, round: number | null) => {
      const sentAt = now();
      const host = i % half;
      let res: Response;
      let id: string | undefined;
      if (target === "app") {
        const n = bookingsMade++;
        const night = 1 + 2 * Math.floor(n / half);
        res = await fetch(`${urlOf.app}/api/v1/bookings`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${guestTokens[n % half]}` },
          body: JSON.stringify({
            listingId: listingOf.get(hosts[n % half]),
            checkIn: day(night),
            checkOut: day(night + 1),
            guests: 1,
          }),
        });
        const at = now();
        id = ((await res.json()) as { booking?: { id: string } }).booking?.id;
        if (res.status !== 201 || !id) failures.app++;
        else if (round !== null) record(target, id, at, sentAt, round);
      } else {
        id = `bare-${round}-${i}`;
        res = await fetch(`${urlOf.bare}/emit`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ room: hostTokens[host], event: "booking.created", payload: { data: { id } } }),
        });
        const at = now();
        await res.arrayBuffer();
        if (res.status !== 204) failures.bare++;
        else if (round !== null) record(target, id, at, sentAt, round);
      }
    };
    const record = (target: Target, id: string, at: number, sentAt: number, round: number) => {
      responded[target].set(id, at);
      roundOf.set(id, round);
      httpTimes[target].push(at - sentAt);
    };
    /** RATE triggers/s for `seconds`; returns the rate achieved. */
    const load = async (target: Target, seconds: number, round: number | null) => {
      const total = RATE * seconds;
      const startedAt = now();
      const inflight: Promise<void>[] = [];
      for (let i = 0; i < total; i++) {
        const due = startedAt + (i * 1000) / RATE;
        if (due > now()) await sleep(due - now());
        inflight.push(trigger(target, i, round));
      }
      await Promise.all(inflight);
      return total / ((now() - startedAt) / 1000);
    };

    // Warm-up (JIT, connection pools), not counted; then ROUNDS rounds, app and bare in turn so that the
    // machine's load drifts over both alike.
    await load("app", 2, null);
    await load("bare", 2, null);
    const achieved = { app: [] as number[], bare: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const target of ["app", "bare"] as const) {
        achieved[target].push(await load(target, SECONDS, round));
        await sleep(500);
      }
    }
    await sleep(1000);

    // Fan-out: every socket subscribes to one listing; each new booking there publishes its
    // availability (app), or one emit to the listing's room (bare). The first of each side warms the
    // broadcast path up and is not counted; the two sides alternate.
    const subscribers = { app: 0, bare: 0 };
    for (const target of ["app", "bare"] as const) {
      const subscribed = await Promise.all(
        children.map((c) => ask(c, { cmd: "subscribe", target, listingId: fanoutListing })),
      );
      subscribers[target] = subscribed.reduce((n, r) => n + (r.ok === "subscribed" ? r.acked : 0), 0);
    }
    for (let i = 0; i <= FANOUTS; i++) {
      const res = await fetch(`${urlOf.app}/api/v1/bookings`, {
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
      const emitted = await fetch(`${urlOf.bare}/emit`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          room: `listing:${fanoutListing}`,
          event: "listing.availability",
          payload: { id: i, listingId: fanoutListing },
        }),
      });
      if (emitted.status !== 204) throw new Error(`bare fan-out failed: ${emitted.status}`);
      await sleep(500);
    }

    const reportOf = async (target: Target) =>
      (await Promise.all(children.map((c) => ask(c, { cmd: "report", target })))).filter(
        (r): r is Extract<FromClient, { ok: "report" }> => r.ok === "report",
      );
    const figures = async (target: Target) => {
      const reports = await reportOf(target);
      const latencies: number[][] = Array.from({ length: ROUNDS }, () => []);
      for (const r of reports)
        for (const [id, arrived] of r.created) {
          const answered = responded[target].get(id);
          if (answered !== undefined) latencies[roundOf.get(id)!].push(arrived - answered);
        }
      for (const l of latencies) l.sort((a, b) => a - b);
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
        .map(([, f]) => ({ ms: f.last - f.first, count: f.count }));
      return {
        received: latencies.reduce((n, l) => n + l.length, 0),
        p50s: latencies.map((l) => percentile(l, 50)),
        p99s: latencies.map((l) => percentile(l, 99)),
        spreads,
      };
    };
    const result = { app: await figures("app"), bare: await figures("bare") };

    // Memory with MAX_SOCKETS connected (the same users, several sockets each), one server at a time.
    const rssMax = { app: 0, bare: 0 };
    const maxConnected = { app: 0, bare: 0 };
    if (MAX_SOCKETS > SOCKETS) {
      for (const target of ["app", "bare"] as const) {
        const other = target === "app" ? "bare" : "app";
        await close(other);
        const more = await connect(target, MAX_SOCKETS);
        maxConnected[target] = more.connected;
        await sleep(2000);
        rssMax[target] = rssMb(pidOf[target]);
        await close(target);
      }
    }

    const measured = RATE * SECONDS;
    const ms = (v: number) => v.toFixed(1);
    const list = (values: number[]) => values.map(ms).join(", ");
    for (const target of ["app", "bare"] as const) {
      httpTimes[target].sort((a, b) => a - b);
      const r = result[target];
      console.log(
        `\n${target === "app" ? "web process: booking POST" : "bare server: POST /emit to a room of one"} → host socket (from the trigger's HTTP response), ` +
          `${ROUNDS} rounds of ${measured} at ${RATE}/s (${r.received} of ${measured * ROUNDS} received, ` +
          `${failures[target]} failed, achieved ${list(achieved[target].map((a) => Number(a.toFixed(0))))}/s):`,
      );
      console.log(
        `  p50 per round ${list(r.p50s)} ms; p99 per round ${list(r.p99s)} ms → median p50 ${ms(median(r.p50s))} ms, p99 ${ms(median(r.p99s))} ms`,
      );
      console.log(
        `  (the POST itself: p50 ${ms(percentile(httpTimes[target], 50))} ms, p99 ${ms(percentile(httpTimes[target], 99))} ms)`,
      );
      console.log(
        `  fan-out of listing.availability to ${subscribers[target]} subscribers (first → last arrival): ` +
          `${r.spreads.map((s) => `${ms(s.ms)} ms (${s.count})`).join(", ")} → median ${ms(median(r.spreads.map((s) => s.ms)))} ms`,
      );
      console.log(
        `  RSS: idle ${rssIdle[target].toFixed(0)} MB, ${SOCKETS} sockets ${rssConnected[target].toFixed(0)} MB ` +
          `(${(((rssConnected[target] - rssIdle[target]) / SOCKETS) * 1000).toFixed(1)} MB per 1,000), ` +
          `${maxConnected[target]} sockets ${rssMax[target].toFixed(0)} MB`,
      );
    }
    const p99Ratio = median(result.app.p99s) / median(result.bare.p99s);
    const fanRatio = median(result.app.spreads.map((s) => s.ms)) / median(result.bare.spreads.map((s) => s.ms));
    console.log("\ntargets (medians of the rounds, web ÷ bare):");
    console.log(
      `  booking → host socket p99: ${ms(median(result.app.p99s))} / ${ms(median(result.bare.p99s))} ms = ${p99Ratio.toFixed(2)}× (target ≤ 2×) ${verdict(p99Ratio <= 2)}`,
    );
    console.log(
      `  fan-out to ${subscribers.app} / ${subscribers.bare} subscribers: ${ms(median(result.app.spreads.map((s) => s.ms)))} / ` +
        `${ms(median(result.bare.spreads.map((s) => s.ms)))} ms = ${fanRatio.toFixed(2)}× (target ≤ 1.5×) ${verdict(fanRatio <= 1.5)}`,
    );
    console.log(
      `  web RSS at ${maxConnected.app} connected sockets: ${rssMax.app.toFixed(0)} MB (target < 400 MB, measured at 10,000) ` +
        `${verdict(maxConnected.app >= 10_000 && rssMax.app < 400)}; bare server at ${maxConnected.bare}: ${rssMax.bare.toFixed(0)} MB`,
    );
  } finally {
    clearTimeout(watchdog);
    for (const c of children) c.kill("SIGKILL");
    for (const s of servers) s.kill("SIGKILL");
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
