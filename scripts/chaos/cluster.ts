import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/**
 * The environment every child starts from: only the basics of this shell. Why not process.env: the
 * harness may itself run under scripts/test.sh, which exports the developer's REDIS_URL, and
 * services.sh (and every Nexus process) would then use the developer's Redis instead of the run's own.
 */
export function baseEnv(): Record<string, string> {
  const keep = ["PATH", "HOME", "USER", "LANG", "LC_ALL", "TZ", "TMPDIR", "SHELL", "TERM"];
  return Object.fromEntries(keep.flatMap((k) => (process.env[k] ? [[k, process.env[k] as string]] : [])));
}

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  /** A log line that says the process is up (its own words, e.g. "web listening"). */
  ready: RegExp;
}

export interface Death {
  name: string;
  pid: number;
  code: number | null;
  signal: string | null;
  at: number;
  tail: string[];
}

/** One supervised OS process: logs to <dir>/logs/<name>.log across restarts, tells its deaths. */
export class Managed {
  /** Every pid the run started, for the proof that none outlives it (CHAOS_SUMMARY). */
  static readonly everyPid: number[] = [];
  child: ChildProcess | null = null;
  started = 0;
  isReady = false;
  private expectExit = false;
  private readonly log: WriteStream;
  private readonly lastLines: string[] = [];
  private readyWaiters: (() => void)[] = [];

  constructor(
    readonly spec: ProcessSpec,
    logDir: string,
    private readonly onUnexpectedExit: (m: Managed, death: Death) => void,
  ) {
    this.log = createWriteStream(join(logDir, `${spec.name}.log`), { flags: "a" });
  }

  get pid(): number {
    return this.child?.pid ?? 0;
  }

  get alive(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Set when the run ends: a fault's delayed restart must not start a process after cleanup. */
  closed = false;

  start(): void {
    if (this.closed) return;
    this.expectExit = false;
    this.isReady = false;
    const child = spawn(this.spec.command, this.spec.args, {
      cwd: ROOT,
      env: this.spec.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    if (child.pid) Managed.everyPid.push(child.pid);
    this.started = Date.now();
    this.log.write(`=== chaos: started pid ${child.pid} at ${new Date().toISOString()}\n`);
    let partial = "";
    const onData = (chunk: Buffer) => {
      this.log.write(chunk);
      const lines = (partial + chunk.toString()).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        this.lastLines.push(line);
        if (this.lastLines.length > 30) this.lastLines.shift();
        if (!this.isReady && this.spec.ready.test(line)) {
          this.isReady = true;
          for (const wake of this.readyWaiters.splice(0)) wake();
        }
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code, signal) => {
      this.log.write(
        `=== chaos: pid ${child.pid} exited code=${code} signal=${signal} at ${new Date().toISOString()}\n`,
      );
      if (this.child !== child) return;
      this.isReady = false;
      if (!this.expectExit) {
        this.onUnexpectedExit(this, {
          name: this.spec.name,
          pid: child.pid ?? 0,
          code,
          signal,
          at: Date.now(),
          tail: [...this.lastLines],
        });
      }
    });
  }

  async waitReady(timeoutMs: number): Promise<boolean> {
    if (this.isReady) return true;
    return Promise.race([
      new Promise<boolean>((resolve) => this.readyWaiters.push(() => resolve(true))),
      sleep(timeoutMs).then(() => this.isReady),
    ]);
  }

  /** Ends the process on purpose (a fault, or the end of the run): not counted as a death. */
  async stop(signal: NodeJS.Signals, graceMs = 5000): Promise<void> {
    const child = this.child;
    this.expectExit = true;
    if (!child || !this.alive) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill(signal);
    const done = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]);
    if (!done) {
      child.kill("SIGKILL");
      await exited;
    }
  }

  close(): void {
    this.log.end();
  }
}

/**
 * Every process of the run. A process that dies without the run having killed it is recorded (a
 * violation) and started again a second later, as `restart: unless-stopped` would: the run goes on
 * and shows whether the rest of the system copes.
 */
export class Cluster {
  readonly deaths: Death[] = [];
  readonly procs = new Map<string, Managed>();
  private closing = false;

  constructor(
    readonly dir: string,
    private readonly say: (line: string) => void,
  ) {}

  add(spec: ProcessSpec): Managed {
    const managed = new Managed(spec, join(this.dir, "logs"), (m, death) => {
      this.deaths.push(death);
      this.say(`UNEXPECTED EXIT of ${death.name} (pid ${death.pid}, code ${death.code}, signal ${death.signal})`);
      if (this.closing) return;
      setTimeout(() => {
        if (!this.closing && !m.alive) m.start();
      }, 1000);
    });
    this.procs.set(spec.name, managed);
    managed.start();
    return managed;
  }

  get(name: string): Managed {
    const m = this.procs.get(name);
    if (!m) throw new Error(`no process named ${name}`);
    return m;
  }

  byPrefix(prefix: string): Managed[] {
    return [...this.procs.values()].filter((m) => m.spec.name.startsWith(prefix));
  }

  async stopAll(): Promise<void> {
    this.closing = true;
    for (const m of this.procs.values()) m.closed = true;
    await Promise.all([...this.procs.values()].map((m) => m.stop("SIGTERM", 8000)));
    for (const m of this.procs.values()) m.close();
  }
}

/** Node with tsx, as `npm run web` runs it (the child's pid is the process itself: no npm/sh in between). */
export function tsxEntry(entry: string): { command: string; args: string[] } {
  return { command: process.execPath, args: ["--import", "tsx", entry] };
}

export interface Services {
  databaseUrl: string;
  redisUrl: string;
  pgDir: string;
  redisPort: number;
  env: Record<string, string>;
}

/** The run's own PostgreSQL and Redis, through the operators' script (scripts/services.sh). */
export async function startServices(dataDir: string, pgPort: number, redisPort: number): Promise<Services> {
  const env = {
    ...baseEnv(),
    NEXUS_DATA_DIR: dataDir,
    NEXUS_PG_PORT: String(pgPort),
    NEXUS_REDIS_PORT: String(redisPort),
  };
  const { stdout } = await run("bash", [join(ROOT, "scripts/services.sh"), "start"], { env, cwd: ROOT });
  const printed = Object.fromEntries(
    stdout
      .trim()
      .split("\n")
      .map((line) => line.split(/=(.*)/s).slice(0, 2)),
  );
  return {
    databaseUrl: printed.DATABASE_URL,
    redisUrl: printed.REDIS_URL,
    pgDir: join(dataDir, "pg"),
    redisPort,
    env,
  };
}

export async function stopServices(services: Services): Promise<void> {
  await run("bash", [join(ROOT, "scripts/services.sh"), "stop"], { env: services.env, cwd: ROOT }).catch(() => {});
}

/** initdb/postgres/pg_ctl refuse root; services.sh runs them as postgres, and so does this. */
function asPgOwner(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args];
}

const PG_BIN = process.env.PG_BIN ?? "/usr/lib/postgresql/15/bin";

/**
 * `pg_ctl restart -m fast`; with `downMs`, a stop, that long with no database, then services.sh
 * start: an outage and not only a blip.
 */
export async function restartPostgres(services: Services, downMs = 0): Promise<void> {
  // -l again: without it the restarted server would write its log to this pg_ctl's stdout.
  const pgCtl = (...args: string[]) => {
    const [cmd, full] = asPgOwner(`${PG_BIN}/pg_ctl`, ["-D", services.pgDir, ...args]);
    return run(cmd, full, { env: services.env });
  };
  const log = ["-l", join(services.pgDir, "server.log")];
  if (!downMs) {
    await pgCtl(...log, "restart", "-m", "fast", "-w", "-t", "60");
    return;
  }
  await pgCtl("stop", "-m", "fast", "-w", "-t", "60");
  await sleep(downMs);
  // Started again the way operators start it (port and options from services.sh).
  await run("bash", [join(ROOT, "scripts/services.sh"), "start"], { env: services.env, cwd: ROOT });
}

export async function shutdownRedis(services: Services): Promise<void> {
  await run("redis-cli", ["-p", String(services.redisPort), "shutdown", "nosave"], { env: services.env }).catch(
    () => {}, // redis-cli reports the dropped connection of a shutdown as an error
  );
}

export async function startRedisAgain(services: Services): Promise<void> {
  await run("bash", [join(ROOT, "scripts/services.sh"), "start"], { env: services.env, cwd: ROOT });
}

/** `npm run migrate`, the release step, with the app's environment. */
export async function migrate(env: Record<string, string>, logDir: string): Promise<void> {
  const { command, args } = tsxEntry("scripts/migrate.ts");
  const { stdout, stderr } = await run(command, args, { cwd: ROOT, env });
  createWriteStream(join(logDir, "migrate.log")).end(stdout + stderr);
}
