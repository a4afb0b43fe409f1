import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import pg from "pg";
import { freePort } from "./processes.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
const pgBin = process.env.PG_BIN ?? "/usr/lib/postgresql/15/bin";

/**
 * A PostgreSQL server of a test's own (scripts/services.sh on a temporary data folder and a free
 * port), for tests that restart or stop it: the server every other test file uses stays untouched.
 * It runs durable, as `npm start` does. `restart()` is `pg_ctl restart -m fast` (what an operator or
 * a failover does: every connection is cut with 57P01); `stop()`/`start()` make an outage.
 */
export interface PrivatePostgres {
  url: string;
  restart(): Promise<void>;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** A pool on it that survives its restarts (errors of idle clients are expected then). */
  pool(): pg.Pool;
  close(): Promise<void>;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dataDir = await mkdtemp(join(tmpdir(), "nexus-pg-"));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NEXUS_DATA_DIR: dataDir,
    NEXUS_PG_PORT: String(port),
    NEXUS_PG_FAST: "0",
    // Its own (unused) Redis port: `services.sh stop` would otherwise stop the suite's Redis.
    NEXUS_REDIS_PORT: String(await freePort()),
  };
  // services.sh starts what is not given by URL: Redis is the suite's own.
  delete env.DATABASE_URL;
  env.REDIS_URL ??= "redis://127.0.0.1:63799";
  const services = (command: "start" | "stop") =>
    run("bash", ["scripts/services.sh", command], { cwd: root, env, timeout: 90_000 });
  const pgCtl = (...args: string[]) => {
    const command = [`${pgBin}/pg_ctl`, "-D", join(dataDir, "pg"), ...args];
    // initdb and pg_ctl refuse root: services.sh made the folder the postgres user's.
    return process.getuid?.() === 0
      ? run("runuser", ["-u", "postgres", "--", ...command], { timeout: 90_000 })
      : run(command[0], command.slice(1), { timeout: 90_000 });
  };
  const { stdout } = await services("start");
  const url = /^DATABASE_URL=(.+)$/m.exec(stdout)?.[1];
  if (!url) throw new Error(`services.sh printed no DATABASE_URL:\n${stdout}`);
  let pool: pg.Pool | null = null;
  return {
    url,
    // -l: without a log file the server would inherit (and hold open) our stdout pipe.
    restart: async () =>
      void (await pgCtl("restart", "-m", "fast", "-w", "-t", "60", "-l", join(dataDir, "pg", "server.log"))),
    stop: async () => void (await pgCtl("stop", "-m", "fast", "-w", "-t", "60")),
    start: async () => void (await services("start")), // with its options (pg_ctl start alone would not)
    pool: () => {
      if (!pool) {
        pool = new pg.Pool({ connectionString: url, max: 3 });
        pool.on("error", () => undefined);
      }
      return pool;
    },
    close: async () => {
      await pool?.end().catch(() => undefined);
      await services("stop").catch(() => undefined);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Applies every migration to an empty database (what `npm run migrate` does). */
export async function migrate(url: string): Promise<void> {
  await run(process.execPath, ["--import", "tsx", "scripts/migrate.ts"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: "warn" },
    timeout: 90_000,
  });
}
