/**
 * Event pipeline benchmark (issue 16; loopback only, bounded, stops by itself). Its own PostgreSQL,
 * DURABLE (fsync, synchronous_commit and full_page_writes on, as production runs), and its own Redis,
 * started by scripts/services.sh in a temporary folder and removed after.
 *
 * N concurrent commands (N = 8, 32, 64), split over two load processes (as two web processes whose
 * relays do not lead): a guest posting a message in their booking's conversation, either postMessage's
 * own write alone ("write": one INSERT … RETURNING and its message.created event for guest and host,
 * where the events' share of the work is the largest) or the whole command ("postMessage": two reads,
 * the INSERT, the event). In the same run, alternating with it round by round, the reference runs the
 * very same transactions with their events dropped (the command's `emit` is a no-op): the events' whole
 * cost is the difference. This process is the web process whose relay leads (Socket.IO on the streams
 * adapter): it finds the load processes' events within EVENTS_RELAY_POLL_MS. A Socket.IO client in its
 * own OS process holds the host's socket, which receives every message.created; commit → socket is
 * from the end of the command's work (before its events INSERT and COMMIT: an upper bound) to the
 * arrival at that client, on one clock across processes.
 *
 * Both with the machine's own WAL flush and with a simulated 5 ms one (`commit_delay = 5000`,
 * `commit_siblings = 0`, as network storage commits). Then bench:http's booking creation
 * (scripts/bench/http.ts, BENCH_ONLY=booking) against the same durable server, with each flush.
 * Targets: events ≥ 0.7× the reference at 64 concurrent with the 5 ms flush, ≥ 0.8× with the fast
 * one; booking creation with the 5 ms flush within 25% of its fast-flush figure.
 *
 *   npm run bench:events      (BENCH_SECONDS=5 per measurement, BENCH_ROUNDS=3; about 6 minutes)
 */
import { execFileSync, fork, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { type AddressInfo, createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

const SECONDS = Math.min(Number(process.env.BENCH_SECONDS ?? 4), 20);
const ROUNDS = Math.min(Number(process.env.BENCH_ROUNDS ?? 3), 7);
const WARMUP_MS = 1000;
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? "8,32,64").split(",").map(Number);
const GUESTS = Math.max(...CONCURRENCY);
const SHAPES = (process.env.BENCH_COMMANDS ?? "write,postMessage").split(",") as ("write" | "postMessage")[];
const LOADERS = 2;
const WATCHDOG_MINUTES = 20;
/**
 * One clock for every process of the run: CLOCK_MONOTONIC (process.hrtime), the same for the whole
 * machine, in ms with sub-ms precision. (performance.timeOrigin differs between processes by up to
 * tens of ms on a loaded machine.)
 */
const now = () => Number(process.hrtime.bigint()) / 1e6;
const root = fileURLToPath(new URL("../..", import.meta.url));

// ---------------------------------------------------------------- the client process

async function clientProcess(): Promise<void> {
  process.on("disconnect", () => process.exit(0)); // never outlive the driver
  const { io } = await import("socket.io-client");
  let arrivals: [string, number][] = [];
  process.on("message", (message: { cmd: "connect"; url: string; token: string } | { cmd: "report" }) => {
    if (message.cmd === "report") {
      process.send?.({ arrivals });
      arrivals = [];
      return;
    }
    const socket = io(message.url, { transports: ["websocket"], auth: { token: message.token } });
    socket.on("message.created", (envelope: { data: { id: string } }) => arrivals.push([envelope.data.id, now()]));
    socket.once("connect", () => process.send?.({ connected: true }));
    socket.once("connect_error", (err) => process.send?.({ error: err.message }));
  });
}

// ---------------------------------------------------------------- the load processes

type Shape = "write" | "postMessage";
interface RunOrder {
  cmd: "run";
  shape: Shape;
  concurrency: number;
  withEvents: boolean;
  seconds: number;
  bookings: { id: string; guest_id: string }[];
  host: string;
}

/**
 * A process that runs commands, as a web process whose relay does not lead (the leader, in the
 * driver, finds its events within EVENTS_RELAY_POLL_MS): the commands' CPU is not the leader's.
 */
async function loadProcess(): Promise<void> {
  process.on("disconnect", () => process.exit(0));
  const { initOrm } = await import("../../shared/db/orm.js");
  const { inUnitOfWork } = await import("../../shared/domain/commands/unitOfWork.js");
  const { postMessage } = await import("../../shared/domain/messages/postMessage.js");
  const { sql } = await import("../../shared/db/sql.js");
  const { MESSAGE_COLUMNS, toMessageView } = await import("../../shared/domain/messages/view.js");
  const { setEventRelay, startEventRelay } = await import("../../shared/events/relay.js");
  const { createRedis } = await import("../../shared/redis.js");
  const { config } = await import("../../shared/config.js");
  type Tx = Parameters<Parameters<typeof inUnitOfWork>[1]>[0];
  const orm = await initOrm();
  // A relay that does not lead (the driver's does, started first): after each commit it wakes the
  // leader through Redis, as a web process's does.
  const relay = startEventRelay(orm, {
    emitter: {
      publish: () => Promise.reject(new Error("a load process never publishes")),
      isReady: () => false,
    },
    pollMs: config.EVENTS_RELAY_POLL_MS,
    coalesceMs: config.EVENTS_RELAY_COALESCE_MS,
    electionMs: 3_600_000,
    wakeRedis: createRedis("bench-events-load"),
  });
  setEventRelay(relay);
  await sleep(500);
  if (relay.leading) throw new Error("a load process took the lead: the driver's relay should hold it");
  /**
   * The two commands measured. "write": postMessage's own write alone (one INSERT … RETURNING and
   * its event), the shortest emitting transaction there is, where the events' share is the largest.
   * "postMessage": the whole command (its two reads, the INSERT, the event).
   */
  const commands: Record<
    Shape,
    (
      tx: Tx,
      actor: { id: string; role: "guest" },
      bookingId: string,
      body: string,
      host: string,
    ) => Promise<{ id: string }>
  > = {
    async write(tx, actor, bookingId, body, host) {
      const [row] = await sql(tx.em)<Parameters<typeof toMessageView>[0]>(
        `with m as (insert into messages (booking_id, sender_id, body) values (?, ?, ?) returning *)
         select ${MESSAGE_COLUMNS} from m join users u on u.id = m.sender_id`,
        [bookingId, actor.id, body],
      );
      const message = toMessageView(row);
      await tx.emit({ type: "message.created", data: message, userIds: [actor.id, host] });
      return message;
    },
    postMessage: (tx, actor, bookingId, body) =>
      postMessage.run({ actor, input: { bookingId, body }, deps: { orm } as never, tx }),
  };
  process.on("message", async (order: RunOrder) => {
    const commits: [string, number][] = [];
    let count = 0;
    let measuring = false;
    let running = true;
    const loop = async (i: number) => {
      const booking = order.bookings[i % order.bookings.length];
      const actor = { id: booking.guest_id, role: "guest" as const };
      for (let n = 0; running; n++) {
        // Taken when the command's work is done, before the unit of work writes its events and
        // sends COMMIT: an upper bound of commit → socket. (Taken after the commit returns, it came
        // late whenever this process's other loops held the event loop, and the client, in its own
        // process, sometimes saw the event before this process had noted the commit.)
        let done = 0;
        const message = await inUnitOfWork(orm, async (tx) => {
          const result = await commands[order.shape](
            order.withEvents ? tx : { ...tx, emit: async () => undefined },
            actor,
            booking.id,
            `message ${n}`,
            order.host,
          );
          done = now();
          return result;
        });
        if (measuring) {
          count++;
          if (order.withEvents) commits.push([message.id, done]);
        }
      }
    };
    const loops = Array.from({ length: order.concurrency }, (_, i) => loop(i));
    await sleep(WARMUP_MS);
    measuring = true;
    const started = now();
    const cpuBefore = process.cpuUsage();
    await sleep(order.seconds * 1000);
    measuring = false;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const elapsed = (now() - started) / 1000;
    running = false;
    await Promise.all(loops);
    process.send?.({ count, elapsed, commits, cpuMs });
  });
  process.send?.({ ready: true });
}

// ---------------------------------------------------------------- helpers

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** CPU time (ms) used so far by every process of this machine whose command name is `comm`. */
function cpuOf(comm: string): number {
  const tick = 10; // USER_HZ is 100 on Linux
  let total = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      if (stat.slice(stat.indexOf("(") + 1, close) !== comm) continue;
      const fields = stat.slice(close + 2).split(" ");
      total += (Number(fields[11]) + Number(fields[12])) * tick; // utime, stime
    } catch {} // gone meanwhile
  }
  return total;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : Number.NaN;
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

// ---------------------------------------------------------------- the driver

async function main(): Promise<void> {
  const watchdog = setTimeout(() => {
    console.error(`bench:events: still running after ${WATCHDOG_MINUTES} minutes; stopping`);
    process.exit(2);
  }, WATCHDOG_MINUTES * 60_000);
  watchdog.unref();

  const dataDir = mkdtempSync(join(tmpdir(), "nexus-bench-events-"));
  const servicesEnv = {
    ...process.env,
    NEXUS_DATA_DIR: dataDir,
    NEXUS_PG_PORT: String(await freePort()),
    NEXUS_REDIS_PORT: String(await freePort()),
    NEXUS_PG_FAST: "0",
    DATABASE_URL: "",
    REDIS_URL: "",
  };
  const services = (command: string) =>
    execFileSync("bash", [join(root, "scripts/services.sh"), command], { env: servicesEnv, encoding: "utf8" });
  const stopServices = () => {
    try {
      services("stop");
    } catch {}
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.on("exit", stopServices);
  for (const line of services("start").trim().split("\n")) {
    const [key, ...value] = line.split("=");
    process.env[key] = value.join("=");
  }
  process.env.REDIS_KEY_PREFIX = "benchevents:";
  process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? "error";
  process.env.DATABASE_POOL_MAX = String(GUESTS + 8);
  const databaseUrl = process.env.DATABASE_URL as string;
  const adminUrl = databaseUrl.replace(/\/[^/]+$/, "/postgres");

  // Config is read once, at import: the app's modules come after the environment is set.
  const { default: pg } = await import("pg");
  const { initOrm } = await import("../../shared/db/orm.js");
  const { createRedis } = await import("../../shared/redis.js");
  const { createIo } = await import("../../server/realtime/io.js");
  const { createSocketPublisher } = await import("../../shared/events/socketPublisher.js");
  const { setEventRelay, startEventRelay } = await import("../../shared/events/relay.js");
  const { issueToken } = await import("../../shared/domain/accounts/tokens.js");
  const { config } = await import("../../shared/config.js");

  const sql = new pg.Client({ connectionString: databaseUrl });
  await sql.connect();
  const settings = ["fsync", "synchronous_commit", "full_page_writes"];
  const shown: string[] = [];
  for (const name of settings) shown.push(`${name}=${(await sql.query(`show ${name}`)).rows[0][name]}`);
  console.log(`PostgreSQL: ${shown.every((s) => s.endsWith("=on")) ? "durable" : "NOT durable"} (${shown.join(", ")})`);

  const orm = await initOrm();
  await orm.getMigrator().up();

  // A host with one listing per guest, each guest with a confirmed stay: each loop writes in its own
  // conversation, so no two commands wait on one row (what is measured is the pipeline, not a queue).
  const { rows: users } = await sql.query<{ id: string }>(
    `insert into users (email, name, role, password_hash)
     select 'bench-' || i || '@events.test', 'Bench ' || i, case when i = 0 then 'host' else 'guest' end, 'x'
       from generate_series(0, $1) as i order by i returning id`,
    [GUESTS],
  );
  const [host, ...guests] = users.map((u) => u.id);
  const { rows: bookings } = await sql.query<{ id: string; guest_id: string }>(
    `with l as (
       insert into listings (host_id, title, description, city, country, price_per_night, currency, max_guests)
       select $1, 'Bench stay ' || g.ord, 'For bench:events', 'Addis Ababa', 'Ethiopia', 1000, 'ETB', 4
         from unnest($2::uuid[]) with ordinality as g(id, ord)
       returning id, title)
     insert into bookings (listing_id, guest_id, check_in, check_out, guests, total_price, currency, status)
     select l.id, g.id, current_date + 10, current_date + 12, 1, 2000, 'ETB', 'confirmed'
       from l join unnest($2::uuid[]) with ordinality as g(id, ord) on l.title = 'Bench stay ' || g.ord
     returning id, guest_id`,
    [host, guests],
  );

  const adapterRedis = createRedis("bench-events-io", process.env.REDIS_URL, { autoPipelining: true });
  const httpServer = createServer();
  const io = createIo(httpServer, adapterRedis, { orm });
  const relay = startEventRelay(orm, {
    emitter: createSocketPublisher(io),
    pollMs: config.EVENTS_RELAY_POLL_MS,
    coalesceMs: config.EVENTS_RELAY_COALESCE_MS,
    electionMs: 1000,
    wakeOn: adapterRedis,
    wakeRedis: createRedis("bench-events-wake"),
  });
  setEventRelay(relay);
  httpServer.listen(0, "127.0.0.1");
  await new Promise((resolve) => httpServer.once("listening", resolve));
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;

  const client = fork(fileURLToPath(import.meta.url), ["--client"], { execArgv: ["--import", "tsx"] });
  const ask = <T>(message: unknown) =>
    new Promise<T>((resolve) => {
      client.once("message", (reply) => resolve(reply as T));
      client.send(message as never);
    });
  const hello = await ask<{ connected?: boolean; error?: string }>({
    cmd: "connect",
    url,
    token: issueToken({ id: host, role: "host", tokenVersion: 0 }),
  });
  if (!hello.connected) throw new Error(`the host's socket did not connect: ${hello.error}`);

  // Two load processes (LOADERS), each running half the concurrent commands on its own pool.
  const loaders = await Promise.all(
    Array.from({ length: LOADERS }, async () => {
      const child = fork(fileURLToPath(import.meta.url), ["--load"], {
        execArgv: ["--import", "tsx"],
        env: { ...process.env, DATABASE_POOL_MAX: String(Math.ceil(GUESTS / LOADERS) + 4) },
      });
      await new Promise((resolve) => child.once("message", resolve));
      return child;
    }),
  );

  /** N commands at once for SECONDS after a warm-up, split over the load processes. */
  async function measure(shape: Shape, concurrency: number, withEvents: boolean) {
    // CPU over the measured window (from the end of the warm-up to the replies), per part.
    let sampled: { at: number; driver: NodeJS.CpuUsage; pg: number; redis: number } | null = null;
    const sample = setTimeout(() => {
      sampled = { at: now(), driver: process.cpuUsage(), pg: cpuOf("postgres"), redis: cpuOf("redis-server") };
    }, WARMUP_MS);
    const replies = await Promise.all(
      loaders.map(
        (child, i) =>
          new Promise<{ count: number; elapsed: number; commits: [string, number][]; cpuMs: number }>((resolve) => {
            child.once("message", (reply) => resolve(reply as never));
            const order: RunOrder = {
              cmd: "run",
              shape,
              concurrency: Math.ceil(concurrency / LOADERS),
              withEvents,
              seconds: SECONDS,
              bookings: bookings.filter((_, n) => n % LOADERS === i),
              host,
            };
            child.send(order);
          }),
      ),
    );
    clearTimeout(sample);
    const txPerSecond = replies.reduce((n, r) => n + r.count / r.elapsed, 0);
    const commands = replies.reduce((n, r) => n + r.count, 0);
    const window = sampled as { at: number; driver: NodeJS.CpuUsage; pg: number; redis: number } | null;
    const driverCpu = window ? process.cpuUsage(window.driver) : { user: 0, system: 0 };
    // Per command, in µs: the load processes, the leading relay's process, PostgreSQL, Redis.
    const cpu = {
      load: (replies.reduce((n, r) => n + r.cpuMs, 0) * 1000) / commands,
      leader: window ? ((driverCpu.user + driverCpu.system) * SECONDS * 1000) / ((now() - window.at) * commands) : 0,
      pg: window ? ((cpuOf("postgres") - window.pg) * SECONDS * 1e6) / ((now() - window.at) * commands) : 0,
      redis: window ? ((cpuOf("redis-server") - window.redis) * SECONDS * 1e6) / ((now() - window.at) * commands) : 0,
    };
    if (!withEvents) return { txPerSecond, latencies: [] as number[], missing: 0, cpu };
    await relay.drain(30_000);
    await sleep(300); // the last ones in flight to the client
    const { arrivals } = await ask<{ arrivals: [string, number][] }>({ cmd: "report" });
    const arrived = new Map(arrivals);
    const latencies: number[] = [];
    let missing = 0;
    for (const [id, committed] of replies.flatMap((r) => r.commits)) {
      const at = arrived.get(id);
      if (at === undefined) missing++;
      else latencies.push(at - committed);
    }
    return { txPerSecond, latencies, missing, cpu };
  }

  interface Row {
    shape: Shape;
    flush: string;
    concurrency: number;
    reference: number[];
    events: number[];
    latencies: number[];
    missing: number;
    cpu: { reference: Cpu[]; events: Cpu[] };
  }
  type Cpu = { load: number; leader: number; pg: number; redis: number };
  const rows: Row[] = [];
  const flushes = [
    { name: "fast (this disk)", delay: 0 },
    { name: "5 ms (simulated)", delay: 5000 },
  ];
  const setFlush = async (delay: number) => {
    await sql.query(`alter system set commit_delay = ${delay}`);
    await sql.query(`alter system set commit_siblings = 0`);
    await sql.query("select pg_reload_conf()");
    await sleep(200);
  };
  for (const flush of flushes) {
    await setFlush(flush.delay);
    for (const [shape, concurrency] of SHAPES.flatMap((shape) => CONCURRENCY.map((n) => [shape, n] as const))) {
      const row: Row = {
        shape,
        flush: flush.name,
        concurrency,
        reference: [],
        events: [],
        latencies: [],
        missing: 0,
        cpu: { reference: [], events: [] },
      };
      for (let round = 0; round < ROUNDS; round++) {
        // Alternating which goes first: the machine's drift weighs on both alike.
        for (const withEvents of round % 2 ? [true, false] : [false, true]) {
          const result = await measure(shape, concurrency, withEvents);
          row.cpu[withEvents ? "events" : "reference"].push(result.cpu);
          if (withEvents) {
            row.events.push(result.txPerSecond);
            row.latencies.push(...result.latencies);
            row.missing += result.missing;
          } else row.reference.push(result.txPerSecond);
        }
      }
      rows.push(row);
      const ratio = median(row.events) / median(row.reference);
      console.log(
        `  ${shape}, ${flush.name}, ${concurrency} concurrent: reference ${median(row.reference).toFixed(0)} tx/s, with events ${median(row.events).toFixed(0)} tx/s (${ratio.toFixed(2)}×)`,
      );
    }
  }
  await setFlush(0);

  client.kill();
  for (const loader of loaders) loader.kill();
  await relay.stop();
  io.close();
  await orm.close();
  adapterRedis.disconnect();

  // bench:http's booking creation against this same durable server, with each flush, alternated.
  const bookingRps: Record<string, number[]> = { fast: [], slow: [] };
  const bookingRounds = process.env.BENCH_SKIP_BOOKING === "1" ? 0 : 2; // skipped only when asked, while iterating
  for (let round = 0; round < bookingRounds; round++) {
    for (const [name, delay] of [
      ["fast", 0],
      ["slow", 5000],
    ] as const) {
      await setFlush(delay);
      const output = await new Promise<string>((resolve, reject) => {
        const child = spawn("npx", ["tsx", join(root, "scripts/bench/http.ts")], {
          env: {
            ...process.env,
            BENCH_ONLY: "booking",
            BENCH_SECONDS: String(SECONDS),
            BENCH_ADMIN_DATABASE_URL: adminUrl,
            TEST_TEMPLATE_DATABASE: "nexus_bench_events_no_template",
            DATABASE_POOL_MAX: "",
            REDIS_KEY_PREFIX: "",
          },
          stdio: ["ignore", "pipe", "inherit"],
        });
        let text = "";
        child.stdout.on("data", (chunk) => {
          text += chunk;
        });
        child.once("error", reject);
        child.once("exit", (code) => (code ? reject(new Error(`bench:http exited with ${code}`)) : resolve(text)));
      });
      const line = output.split("\n").find((l) => l.startsWith("booking creation"));
      const rps = Number(line?.replace(/^booking creation[^0-9]*/, "").split(/\s+/)[0]);
      if (!Number.isFinite(rps)) throw new Error(`no booking figure in bench:http's output:\n${output}`);
      bookingRps[name].push(rps);
    }
  }
  await setFlush(0);
  await sql.end();

  // ---------------------------------------------------------------- the figures
  const cpuLine = (cpus: Cpu[]) => {
    const parts = (["load", "leader", "pg", "redis"] as const).map((k) => [k, median(cpus.map((c) => c[k]))] as const);
    const total = parts.reduce((n, [, v]) => n + v, 0);
    return `${total.toFixed(0)} µs (${parts.map(([k, v]) => `${k} ${v.toFixed(0)}`).join(", ")})`;
  };
  const pad = (s: string | number, n: number) => String(s).padEnd(n);
  console.log(
    `\nmedians of ${ROUNDS} rounds of ${SECONDS} s each; each event goes to 2 users (guest and host); the host's socket receives every one`,
  );
  console.log(
    `${pad("command", 13)}${pad("flush", 18)}${pad("N", 4)}${pad("reference tx/s", 16)}${pad("events/s", 10)}${pad("ratio", 7)}${pad("target", 12)}${pad("socket p50 ms", 15)}${pad("p99 ms", 8)}missing`,
  );
  let failed = false;
  for (const row of rows) {
    const ratio = median(row.events) / median(row.reference);
    const target = row.flush.startsWith("5 ms") ? 0.7 : 0.8;
    const ok = ratio >= target && row.missing === 0;
    failed ||= !ok;
    const sorted = [...row.latencies].sort((a, b) => a - b);
    console.log(
      `${pad(row.shape, 13)}${pad(row.flush, 18)}${pad(row.concurrency, 4)}${pad(median(row.reference).toFixed(0), 16)}${pad(median(row.events).toFixed(0), 10)}${pad(ratio.toFixed(2), 7)}${pad(`${ok ? "ok" : "MISSED"} ${target}`, 12)}${pad(percentile(sorted, 50).toFixed(1), 15)}${pad(percentile(sorted, 99).toFixed(1), 8)}${row.missing}`,
    );
  }
  console.log(
    "\nCPU per command (medians of the rounds; load = the two load processes, leader = the relay's process):",
  );
  for (const row of rows) {
    console.log(
      `  ${pad(row.shape, 12)} ${pad(row.flush, 17)} ${pad(row.concurrency, 3)} reference ${cpuLine(row.cpu.reference)}`,
    );
    console.log(`  ${pad("", 12)} ${pad("", 17)} ${pad("", 3)} events    ${cpuLine(row.cpu.events)}`);
  }
  const fast = median(bookingRps.fast);
  const slow = median(bookingRps.slow);
  const within = slow >= 0.75 * fast;
  failed ||= !within;
  if (!bookingRounds)
    console.log("\nbench:http booking creation: SKIPPED (BENCH_SKIP_BOOKING=1); the run does not count");
  else
    console.log(
      `\nbench:http booking creation (durable): fast flush ${bookingRps.fast.map((r) => r.toFixed(0)).join(", ")} req/s; 5 ms flush ${bookingRps.slow.map((r) => r.toFixed(0)).join(", ")} req/s; median ratio ${(slow / fast).toFixed(2)} (${within ? "ok" : "MISSED"}: within 25%)`,
    );
  process.exit(failed ? 1 : 0);
}

if (process.argv.includes("--client")) await clientProcess();
else if (process.argv.includes("--load")) await loadProcess();
else await main();
