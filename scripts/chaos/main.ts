/**
 * `npm run chaos`: a bounded chaos run on loopback that proves the system loses nothing under faults.
 *
 * It starts the system as operators run it, on its own services (a temp dir: PostgreSQL and Redis
 * through scripts/services.sh, 3 web processes behind nginx with the shipped scripts/nginx.conf,
 * 2 workers, the Chapa sandbox, a recording SMTP server), drives a mixed load of guests and hosts
 * through nginx with ~20 Socket.IO clients, injects every kind of fault on a schedule, lets the
 * system settle, then checks invariants against PostgreSQL, the mail record, the sandbox and every
 * client's log. Exit 0 only when every invariant holds. The last line is `CHAOS_SUMMARY {json}`.
 *
 *   CHAOS_SECONDS=300      load-and-faults phase (default 5 min); setup and settle add about 1-2 min
 *   CHAOS_SETTLE_SECONDS=60  longest wait for the system to settle before checking
 *   CHAOS_FAULTS=kill-web,...  only these kinds (default: all); CHAOS_SKIP_FAULTS=restart-postgres skips some
 *   CHAOS_KEEP=1           keep the temp dir (logs, data) even when the run passes
 */
import { randomBytes } from "node:crypto";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { freePort } from "../../test/helpers/processes.js";
import { sandboxControlHeaders } from "../chapaSandbox/sandbox.js";
import { type CheckInput, check, type SandboxTx } from "./checker.js";
import { UserSocket } from "./clients.js";
import { baseEnv, Cluster, Managed, migrate, type Services, startServices, stopServices, tsxEntry } from "./cluster.js";
import { FAULT_KINDS, type FaultKind, type FaultRecord, inject, planFaults } from "./faults.js";
import { Api, RequestLog } from "./http.js";
import { Load } from "./load.js";
import { startNginx } from "./nginx.js";
import { faultCounts, printFigures, printTable } from "./report.js";
import { selfTest } from "./selfTest.js";
import { settle } from "./settle.js";
import { MailRecorder } from "./smtp.js";

const SECONDS = Number(process.env.CHAOS_SECONDS ?? 300);
const SETTLE_SECONDS = Number(process.env.CHAOS_SETTLE_SECONDS ?? 60);
const KINDS = FAULT_KINDS.filter(
  (k) =>
    (!process.env.CHAOS_FAULTS || process.env.CHAOS_FAULTS.split(",").includes(k)) &&
    !(process.env.CHAOS_SKIP_FAULTS ?? "").split(",").includes(k),
);
const started = Date.now();
const say = (line: string) => process.stdout.write(`[chaos +${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`);

let cleanup: (ok: boolean) => Promise<void> = async () => {};
let exiting = false;
/** Whatever ends the run early (Ctrl-C, a bug in the harness), every process it started is stopped. */
function abort(reason: string, code: number): void {
  if (exiting) return;
  exiting = true;
  say(`${reason}: stopping everything`);
  void cleanup(false).finally(() => process.exit(code));
}
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => abort(signal, 130));
process.on("uncaughtException", (err) => abort(`harness error ${err.stack}`, 1));
process.on("unhandledRejection", (err) => abort(`harness error ${(err as Error)?.stack ?? err}`, 1));

async function main(): Promise<boolean> {
  if (!(SECONDS >= 20)) throw new Error("CHAOS_SECONDS must be at least 20");
  const dir = await mkdtemp(join(tmpdir(), "nexus-chaos-"));
  // services.sh hands the PostgreSQL folder to the postgres user, who must be able to reach it.
  await chmod(dir, 0o755);
  await mkdir(join(dir, "logs"));
  say(`run directory ${dir} (logs in ${join(dir, "logs")}); load ${SECONDS} s, faults: ${KINDS.join(", ")}`);

  const cluster = new Cluster(dir, say);
  let services: Services | null = null;
  let mail: MailRecorder | null = null;
  let db: pg.Pool | null = null;
  const sockets: UserSocket[] = [];
  let load: Load | null = null;
  // The fault being injected: an abort waits for it, or it could start Redis/PostgreSQL after the stop.
  let currentFault: Promise<unknown> = Promise.resolve();
  cleanup = async (ok) => {
    load?.stop();
    for (const s of sockets) s.close();
    await cluster.stopAll().catch(() => {});
    await Promise.race([currentFault.catch(() => {}), sleep(20_000)]);
    await db?.end().catch(() => {});
    await mail?.close().catch(() => {});
    if (services) await stopServices(services);
    if (ok && !process.env.CHAOS_KEEP) await rm(dir, { recursive: true, force: true });
    else say(`kept ${dir}: logs in ${join(dir, "logs")}`);
  };

  const [pgPort, redisPort, nginxPort, redirectPort, sandboxPort, ...webPorts] = await Promise.all(
    Array.from({ length: 8 }, () => freePort()),
  );
  services = await startServices(join(dir, "data"), pgPort, redisPort);
  say(`PostgreSQL ${services.databaseUrl}, Redis ${services.redisUrl}`);
  const secrets = { jwt: randomBytes(24).toString("hex"), webhook: randomBytes(16).toString("hex") };
  const publicUrl = `http://127.0.0.1:${nginxPort}`;
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  mail = await MailRecorder.start();
  mail.logFile = join(dir, "logs", "smtp.log");
  const appEnv: Record<string, string> = {
    ...baseEnv(),
    // Not "production": production refuses the sandbox's test key and address (shared/knownDefaults.ts),
    // and the sandbox only ever answers in test mode. Otherwise as in production: JSON logs, own secrets.
    NODE_ENV: "test",
    LOG_LEVEL: "info",
    DATABASE_URL: services.databaseUrl,
    REDIS_URL: services.redisUrl,
    JWT_SECRET: secrets.jwt,
    PUBLIC_URL: publicUrl,
    CHAPA_BASE_URL: `${sandboxUrl}/v1`,
    CHAPA_WEBHOOK_SECRET: secrets.webhook,
    CHAPA_TIMEOUT_MS: "4000",
    SMTP_URL: mail.url,
    SMTP_TIMEOUT_MS: "5000",
    // Shortened so the run converges in seconds rather than minutes; each is an operator's setting.
    BOOKING_HOLD_MINUTES: "1",
    CRON_EXPIRE_HOLDS_EVERY: "3 seconds",
    CRON_RECONCILE_PAYMENTS_EVERY: "3 seconds",
    RECONCILE_PAYMENTS_OLDER_THAN_MINUTES: "0.05",
    JOB_LOCK_LIFETIME_MS: "15000",
    JOB_BACKOFF_MS: "500",
    JOB_BACKOFF_MAX_MS: "4000",
    JOB_MAX_ATTEMPTS: "12",
    // The load's guests race for the same dates again and again: hold limits would turn most of that
    // into 409 too_many_holds / hold_cooldown, which is not what the chaos run checks.
    MAX_ACTIVE_HOLDS_PER_USER: "100",
    HOLD_COOLDOWN_MINUTES: "0",
  };
  await migrate(appEnv, join(dir, "logs"));
  say("migrated");
  db = new pg.Pool({ connectionString: services.databaseUrl, max: 3 });
  db.on("error", () => {}); // a restarted PostgreSQL ends idle clients; the next query reconnects

  const webSpec = (i: number) => ({
    name: `web-${i + 1}`,
    ...tsxEntry("server/main.ts"),
    // Two trusted hops: the load generator stands for the load balancer in front of nginx, giving each
    // virtual user its own X-Forwarded-For address (per-IP limits then apply per user, as in production).
    env: { ...appEnv, PORT: String(webPorts[i]), TRUST_PROXY: "true", TRUST_PROXY_HOPS: "2" },
    ready: /web listening/,
  });
  cluster.add({
    name: "chapa-sandbox",
    ...tsxEntry("scripts/chapaSandbox/main.ts"),
    env: {
      ...baseEnv(),
      CHAPA_SANDBOX_PORT: String(sandboxPort),
      CHAPA_WEBHOOK_URL: `${publicUrl}/api/v1/webhooks/chapa`,
      CHAPA_WEBHOOK_SECRET: secrets.webhook,
      CHAPA_SANDBOX_RETRY_INTERVAL_MS: "2000",
      CHAPA_SANDBOX_MAX_RETRIES: "30",
    },
    ready: /chapa sandbox listening/,
  });
  for (let i = 0; i < 3; i++) cluster.add(webSpec(i));
  for (let i = 0; i < 2; i++) {
    cluster.add({ name: `worker-${i + 1}`, ...tsxEntry("worker/main.ts"), env: appEnv, ready: /worker started/ });
  }
  await startNginx(cluster, { dir, port: nginxPort, redirectPort, webPorts, env: baseEnv() }, say);

  const probe = async (url: string, headers: Record<string, string> = {}) => {
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(2000) }).catch(() => null);
    await response?.arrayBuffer().catch(() => {});
    return response?.status === 200;
  };
  const notReady = async (): Promise<string[]> => {
    const problems: string[] = [];
    for (const m of cluster.procs.values()) {
      if (!m.alive) problems.push(`${m.spec.name} not running`);
      else if (m.spec.name !== "nginx" && !m.isReady) problems.push(`${m.spec.name} not started yet`);
    }
    const checks = await Promise.all([
      ...webPorts.map(async (port, i) =>
        (await probe(`http://127.0.0.1:${port}/readyz`)) ? null : `web-${i + 1} /readyz`,
      ),
      probe(`${publicUrl}/healthz`).then((ok) => (ok ? null : "nginx /healthz")),
      probe(`${sandboxUrl}/__sandbox/health`, sandboxControlHeaders()).then((ok) => (ok ? null : "sandbox health")),
    ]);
    return [...problems, ...checks.filter((c): c is string => c !== null)];
  };
  const allReady = async () => (await notReady()).length === 0;

  const deadline = Date.now() + 90_000;
  while (!(await allReady())) {
    if (Date.now() > deadline) throw new Error(`not ready after 90 s: ${(await notReady()).join(", ")}`);
    await sleep(300);
  }
  say("every process is ready; seeding through the API");

  const requests = new RequestLog();
  const api = new Api(publicUrl, requests);
  load = new Load(api, say);
  await load.seed(4, 3, 12);
  const connect = (user: { id: string; token: string; email: string }) =>
    sockets.push(new UserSocket(publicUrl, user.id, user.email, user.token));
  for (const user of [...load.hosts, ...load.guests]) connect(user);
  say(
    `${load.hosts.length} hosts, ${load.listings.length} listings, ${load.guests.length} guests, ${sockets.length} sockets`,
  );

  // --- load and faults ---------------------------------------------------------------------------
  const loadDone = load.run(Math.max(8000, (SECONDS * 1000) / 8), (user) => connect(user));
  const reloads = setInterval(() => sockets[Math.floor(Math.random() * sockets.length)]?.reload(), 7000);
  const plan = planFaults(SECONDS, KINDS);
  const faults: FaultRecord[] = [];
  const phaseStart = Date.now();
  const faultDeps = {
    cluster,
    services,
    mail,
    db,
    sandboxUrl,
    restart: (name: string) => cluster.get(name).start(),
    allReady,
    say,
  };
  for (const step of plan) {
    const wait = phaseStart + step.atMs - Date.now();
    if (wait > 0) await sleep(wait);
    say(`fault: ${step.kind}`);
    const injecting = inject(step.kind as FaultKind, faultDeps, SECONDS);
    currentFault = injecting;
    const record = await injecting;
    faults.push(record);
    say(
      `  ${record.detail}; ${record.readyAfterMs === null ? "NOT ready in time" : `ready after ${record.readyAfterMs} ms`}`,
    );
  }
  const left = phaseStart + SECONDS * 1000 - Date.now();
  if (left > 0) await sleep(left);
  clearInterval(reloads);
  load.stop();
  say("load stopping; waiting for in-flight requests");
  await Promise.race([loadDone, sleep(40_000)]);

  // --- settle and check --------------------------------------------------------------------------
  const settled = await settle({ db, sockets, notReady, sandboxUrl, timeoutMs: SETTLE_SECONDS * 1000, say });
  const sandboxResponse = await fetch(`${sandboxUrl}/__sandbox/transactions`, { headers: sandboxControlHeaders() });
  const sandbox = ((await sandboxResponse.json()) as { data: SandboxTx[] }).data;
  const checkInput: CheckInput = {
    db,
    attempts: load.attempts,
    sockets,
    mail: mail.messages,
    workerKills: mail.kills,
    sandbox,
    deaths: cluster.deaths,
    requests,
    notReady: await notReady(),
    faultsNotRecovered: faults.filter((f) => f.readyAfterMs === null).map((f) => `${f.kind}: ${f.detail}`),
  };
  const verdicts = await check(checkInput);
  verdicts.push(await selfTest(db, checkInput));
  const counts = async (table: string) =>
    Object.fromEntries(
      (
        await db!.query<{ status: string; n: string }>(`select status, count(*) as n from ${table} group by status`)
      ).rows.map((r) => [r.status, Number(r.n)]),
    );
  printTable(verdicts, (line) => process.stdout.write(`${line}\n`));
  printFigures(
    {
      requests,
      attempts: countBy(load.attempts.map((a) => a.outcome)),
      faults,
      sockets,
      bookings: await counts("bookings"),
      payments: await counts("payments"),
      emails: mail.messages.length,
      settleMs: settled.ms,
      settled: settled.ok,
      unsettled: settled.unmet,
    },
    (line) => process.stdout.write(`${line}\n`),
  );
  const ok = verdicts.every((v) => v.pass) && settled.ok;
  const missingKinds = KINDS.filter((k) => !faults.some((f) => f.kind === k));
  const summary = {
    ok,
    seconds: SECONDS,
    faults: faultCounts(faults),
    missingKinds,
    failed: verdicts.filter((v) => !v.pass).map((v) => v.name),
    settled: settled.ok,
    requests: requests.total,
    dir,
    // What the run started: after it, none of these may answer (test/chaos.test.ts checks).
    pids: Managed.everyPid,
    ports: [pgPort, redisPort, nginxPort, redirectPort, sandboxPort, ...webPorts],
  };
  await writeFile(join(dir, "logs", "clients.jsonl"), sockets.map((s) => JSON.stringify(s)).join("\n"));
  await cleanup(ok);
  process.stdout.write(`CHAOS_SUMMARY ${JSON.stringify(summary)}\n`);
  return ok;
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  async (err: unknown) => {
    say(`the run itself failed: ${(err as Error).stack ?? err}`);
    await cleanup(false).catch(() => {});
    process.stdout.write(`CHAOS_SUMMARY ${JSON.stringify({ ok: false, error: String((err as Error).message) })}\n`);
    process.exit(1);
  },
);
