import { setTimeout as sleep } from "node:timers/promises";
import type pg from "pg";
import { sandboxControlHeaders } from "../chapaSandbox/sandbox.js";
import { type Cluster, restartPostgres, type Services, shutdownRedis, startRedisAgain } from "./cluster.js";
import type { MailRecorder } from "./smtp.js";

export const FAULT_KINDS = [
  "kill-web",
  "kill-worker",
  "restart-redis",
  "restart-postgres",
  "chapa-500",
  "drop-webhooks",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRecord {
  kind: FaultKind;
  at: number;
  detail: string;
  /** From the end of the fault (process back, service back, control off) to every process ready. */
  readyAfterMs: number | null;
}

export interface FaultDeps {
  cluster: Cluster;
  services: Services;
  mail: MailRecorder;
  db: pg.Pool;
  sandboxUrl: string;
  /** Starts a web again on its port (the replacement of a killed one). */
  restart: (name: string) => void;
  /** True when every web answers /readyz 200, every worker runs and nginx and the sandbox answer. */
  allReady: () => Promise<boolean>;
  say: (line: string) => void;
}

/** How many of each kind were injected so far (some kinds alternate between two forms). */
const injected: Record<string, number> = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0]));

/** How long the time-limited faults last (the sandbox failing, webhooks dropped). */
const faultSeconds = (loadSeconds: number) => (loadSeconds >= 180 ? 8 : 5);

/**
 * The schedule: every kind once per round, in a shuffled order, spread evenly over the load phase
 * (quiet at the start and the end). Rounds: 2 in a 5-minute run, 1 in a 60-90 s one.
 */
export function planFaults(loadSeconds: number, kinds: readonly FaultKind[]): { kind: FaultKind; atMs: number }[] {
  // CHAOS_ROUNDS repeats the kinds more often (to reproduce a rare finding with one kind).
  const rounds = Number(process.env.CHAOS_ROUNDS) || Math.max(1, Math.floor((loadSeconds - 10) / 120));
  const order: FaultKind[] = [];
  for (let r = 0; r < rounds; r++) order.push(...[...kinds].sort(() => Math.random() - 0.5));
  const spacing = ((loadSeconds - 10) * 1000) / Math.max(1, order.length);
  return order.map((kind, i) => ({ kind, atMs: 5000 + Math.round(i * spacing) }));
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, everyMs = 200): Promise<number | null> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check().catch(() => false)) return Date.now() - started;
    await sleep(everyMs);
  }
  return null;
}

async function sandboxControl(url: string, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${url}${path}`, {
    method: "POST",
    headers: sandboxControlHeaders(),
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`sandbox ${path}: ${response.status} ${await response.text()}`);
}

/**
 * How long every process may take to be ready again after a fault. Generous: on 2 busy cores a
 * restarted worker alone spends up to ~30 s compiling under tsx before it says "worker started".
 */
export const READY_WITHIN_MS = Number(process.env.CHAOS_READY_WITHIN_SECONDS ?? 60) * 1000;

/** Injects one fault and waits (up to READY_WITHIN_MS) until every process is ready again. */
export async function inject(kind: FaultKind, deps: FaultDeps, loadSeconds: number): Promise<FaultRecord> {
  const at = Date.now();
  const seconds = faultSeconds(loadSeconds);
  let detail = "";
  switch (kind) {
    case "kill-web": {
      const webs = deps.cluster.byPrefix("web-");
      const victim = webs[Math.floor(Math.random() * webs.length)];
      detail = `${victim.spec.name} pid ${victim.pid}`;
      await victim.stop("SIGKILL");
      await sleep(1000);
      deps.restart(victim.spec.name);
      break;
    }
    case "kill-worker": {
      detail = await killWorkerMidSend(deps);
      break;
    }
    case "restart-redis": {
      await shutdownRedis(deps.services);
      await sleep(2000);
      await startRedisAgain(deps.services);
      detail = "shutdown nosave, 2 s down";
      break;
    }
    case "restart-postgres": {
      // Every other one is an outage of a few seconds (stop, wait, start): requests must get 503s.
      const outage = injected[kind]++ % 2 === 1;
      const started = Date.now();
      await restartPostgres(deps.services, outage ? seconds * 1000 : 0);
      detail = outage
        ? `pg_ctl stop -m fast, ${seconds} s down, start (${Date.now() - started} ms)`
        : `pg_ctl restart -m fast (${Date.now() - started} ms)`;
      break;
    }
    case "chapa-500": {
      await sandboxControl(deps.sandboxUrl, "/__sandbox/faults", { status: 500, seconds });
      await sleep(seconds * 1000);
      detail = `initialize/verify/refund answer 500 for ${seconds} s`;
      break;
    }
    case "drop-webhooks": {
      await sandboxControl(deps.sandboxUrl, "/__sandbox/webhooks/drop", { enabled: true });
      await sleep(seconds * 1000);
      await sandboxControl(deps.sandboxUrl, "/__sandbox/webhooks/drop", { enabled: false });
      detail = `webhooks dropped for ${seconds} s`;
      break;
    }
  }
  const readyAfterMs = await waitUntil(deps.allReady, READY_WITHIN_MS);
  return { kind, at, detail, readyAfterMs };
}

/**
 * SIGKILLs the worker that is in the middle of an SMTP DATA right now (found from the mail server's
 * open sessions and the kernel's socket table), waiting up to 10 s for one; failing that, a worker
 * holding sendEmail jobs, and failing that any worker (said so in the detail). Starts it again after
 * a second, as a supervisor would.
 */
async function killWorkerMidSend(deps: FaultDeps): Promise<string> {
  const workers = deps.cluster.byPrefix("worker-");
  let victim = null;
  let how = "";
  const deadline = Date.now() + 10_000;
  while (!victim && Date.now() < deadline) {
    const sending = await deps.mail.pidsSending();
    victim = workers.find((w) => sending.includes(w.pid)) ?? null;
    if (victim) how = "mid-send (SMTP DATA open)";
    else await sleep(50);
  }
  const [{ pending }] = (
    await deps.db.query<{ pending: string }>(
      "select count(*) as pending from side_effects where kind = 'email' and done_at is null",
    )
  ).rows;
  if (!victim) {
    const { rows } = await deps.db.query<{ by: string }>(
      `select last_modified_by as by from agenda_jobs where name = 'sendEmail' and locked_at is not null limit 1`,
    );
    // Its Agenda name is worker-<pid>, maybe with a host suffix.
    victim = workers.find((w) => new RegExp(`^worker-${w.pid}(\\D|$)`).test(rows[0]?.by ?? "")) ?? null;
    if (victim) how = "holding sendEmail jobs";
  }
  if (!victim) {
    victim = workers[Math.floor(Math.random() * workers.length)];
    how = "NOT mid-send (no email was being sent)";
  }
  const detail = `${victim.spec.name} pid ${victim.pid}, ${how}, ${pending} email side effects pending`;
  deps.say(`kill-worker at ${new Date().toISOString()}: ${detail}`);
  const doomed = victim;
  const ports = await deps.mail.portsOf(doomed.pid);
  const pid = doomed.pid;
  const killedAt = Date.now();
  await deps.mail.holdAnswers(() => doomed.stop("SIGKILL"));
  deps.mail.kills.push({ at: killedAt, pid, ports });
  await sleep(1000);
  deps.restart(victim.spec.name);
  return detail;
}
