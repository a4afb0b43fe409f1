import { execFile } from "node:child_process";
import { chown, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { freePort } from "./processes.js";

const run = promisify(execFile);
const pgBin = process.env.PG_BIN ?? "/usr/lib/postgresql/15/bin";

/** initdb, pg_basebackup and pg_ctl refuse root: as root they run as the postgres user. */
function asPgOwner(command: string, args: string[]) {
  return process.getuid?.() === 0
    ? run("runuser", ["-u", "postgres", "--", command, ...args], { timeout: 120_000 })
    : run(command, args, { timeout: 120_000 });
}

/**
 * A streaming replica of a test's own PostgreSQL (`primaryUrl`, e.g. startPrivatePostgres()):
 * `pg_basebackup -R` into a temporary data folder, started on a free port as a hot standby.
 * `stop()`/`start()` make an outage; `pool()` is a small pool on it (pg_wal_replay_pause() and co.).
 */
export interface Replica {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  pool(): pg.Pool;
  close(): Promise<void>;
}

export async function startReplica(primaryUrl: string): Promise<Replica> {
  const primary = new URL(primaryUrl);
  const dataDir = await mkdtemp(join(tmpdir(), "nexus-replica-"));
  const pgData = join(dataDir, "pg");
  if (process.getuid?.() === 0) {
    const { stdout } = await run("id", ["-u", "postgres"]);
    const { stdout: gid } = await run("id", ["-g", "postgres"]);
    await chown(dataDir, Number(stdout.trim()), Number(gid.trim()));
  }
  const port = await freePort();
  await asPgOwner(`${pgBin}/pg_basebackup`, [
    ...["-h", primary.hostname, "-p", primary.port, "-U", primary.username || "nexus"],
    ...["-D", pgData, "-R", "-X", "stream", "-c", "fast"],
  ]);
  // A hot standby refuses to start with fewer of these than its primary has.
  const client = new pg.Client({ connectionString: primaryUrl });
  await client.connect();
  const { rows } = await client
    .query<{ name: string; setting: string }>(
      `select name, setting from pg_settings where name in
         ('max_connections', 'max_worker_processes', 'max_wal_senders', 'max_prepared_transactions',
          'max_locks_per_transaction')`,
    )
    .finally(() => client.end());
  const settings = rows.map((r) => `-c ${r.name}=${r.setting}`).join(" ");
  const options = `-p ${port} -k /tmp -c listen_addresses=127.0.0.1 -c hot_standby=on ${settings}`;
  const pgCtl = (...args: string[]) => asPgOwner(`${pgBin}/pg_ctl`, ["-D", pgData, ...args]);
  // -l: without a log file the server would inherit (and hold open) our stdout pipe.
  const start = async () =>
    void (await pgCtl("start", "-w", "-t", "60", "-l", join(pgData, "server.log"), "-o", options));
  const stop = async () => void (await pgCtl("stop", "-m", "fast", "-w", "-t", "60"));
  await start();
  const url = new URL(primaryUrl);
  url.port = String(port);
  let pool: pg.Pool | null = null;
  return {
    url: url.toString(),
    start,
    stop,
    pool: () => {
      if (!pool) {
        pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
        pool.on("error", () => undefined);
      }
      return pool;
    },
    close: async () => {
      await pool?.end().catch(() => undefined);
      await stop().catch(() => undefined);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
