/**
 * `npm start`: the whole system on embedded defaults. Starts this checkout's private PostgreSQL and
 * Redis (unless DATABASE_URL / REDIS_URL point elsewhere), migrates, seeds, then runs web, worker
 * and — when no real Chapa key is configured — the Chapa sandbox, with their logs interleaved and
 * prefixed. Ctrl-C stops every process it started, the services included, and leaves no orphan.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const colors = { web: 36, worker: 35, chapa: 33, migrate: 32, seed: 32 } as Record<string, number>;
const tag = (name: string) => `\x1b[${colors[name] ?? 37}m${name.padEnd(7)}\x1b[0m|`;

function servicesCommand(command: "start" | "stop"): string {
  return execFileSync("bash", ["scripts/services.sh", command], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

// Which services were already running decides what Ctrl-C stops: only what we started.
const externalServices = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);
const before = externalServices
  ? ""
  : execFileSync("bash", ["scripts/services.sh", "status"], { cwd: root, encoding: "utf8" });
const weStartedServices = !externalServices && /no server running|not running/i.test(before);
for (const line of servicesCommand("start").trim().split("\n")) {
  const [key, ...value] = line.split("=");
  if (key === "DATABASE_URL" || key === "REDIS_URL") process.env[key] = value.join("=");
}

const useSandbox =
  !process.env.CHAPA_SECRET_KEY || process.env.CHAPA_SECRET_KEY.startsWith("CHASECK_TEST-nexus-sandbox");
const env = { ...process.env, NODE_ENV: process.env.NODE_ENV ?? "development", FORCE_COLOR: "1" };

function run(name: string, entry: string, extraEnv: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", entry], {
    cwd: root,
    env: { ...env, NEXUS_PROCESS: name, ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on("line", (line) => process.stdout.write(`${tag(name)} ${line}\n`));
  }
  return child;
}

function runToEnd(name: string, entry: string): Promise<void> {
  return new Promise((resolve, reject) => {
    run(name, entry).on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${name} exited with ${code}`))));
  });
}

const children: ChildProcess[] = [];
let stopping = false;

async function stopAll(code: number) {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`${tag("start")} stopping…\n`);
  await Promise.all(
    children
      .filter((c) => c.exitCode === null && c.signalCode === null)
      .map(
        (c) =>
          new Promise<void>((resolve) => {
            const kill = setTimeout(() => c.kill("SIGKILL"), 35_000);
            c.once("exit", () => {
              clearTimeout(kill);
              resolve();
            });
            c.kill("SIGTERM");
          }),
      ),
  );
  if (weStartedServices) servicesCommand("stop");
  process.exit(code);
}
process.on("SIGINT", () => void stopAll(0));
process.on("SIGTERM", () => void stopAll(0));

try {
  await runToEnd("migrate", "scripts/migrate.ts");
  await runToEnd("seed", "scripts/seed.ts");
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  await stopAll(1);
}

// The sandbox delivers its webhooks to this web process, on whatever PORT it listens.
const webhookUrl = `http://127.0.0.1:${process.env.PORT ?? 3000}/api/v1/webhooks/chapa`;
if (useSandbox)
  children.push(
    run("chapa", "scripts/chapaSandbox/main.ts", { CHAPA_WEBHOOK_URL: process.env.CHAPA_WEBHOOK_URL || webhookUrl }),
  );
children.push(run("web", "server/main.ts"));
children.push(run("worker", "worker/main.ts"));
for (const child of children) {
  child.on("exit", (code, signal) => {
    if (!stopping) {
      process.stderr.write(`a process exited unexpectedly (${code ?? signal}); stopping everything\n`);
      void stopAll(1);
    }
  });
}
process.stdout.write(
  `${tag("start")} Nexus on ${process.env.PUBLIC_URL ?? `http://localhost:${process.env.PORT ?? 3000}`}${useSandbox ? " (Chapa sandbox on http://127.0.0.1:4010)" : ""}; Ctrl-C stops it all\n`,
);
