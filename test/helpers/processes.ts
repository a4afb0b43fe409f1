import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

export interface Spawned {
  child: ChildProcess;
  output: () => string;
  /** Resolves when a line matching `pattern` has been printed. */
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<string>;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

/**
 * A test file that times out is ended by ava without its after hooks: its spawned processes go with
 * it rather than run on (leading an event relay, holding a port) after the file.
 */
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** Runs one of our entry points (e.g. "worker/main.ts") as a real OS process under tsx. */
export function spawnEntry(entry: string, env: Record<string, string | undefined> = {}): Spawned {
  const child = spawn(process.execPath, ["--import", "tsx", entry], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
    for (const w of [...waiters]) {
      const match = out.split("\n").find((line) => w.pattern.test(line));
      if (match) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(match);
      }
    }
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = once(child, "exit").then(([code]) => code as number | null);
  running.add(child);
  void exited.then(() => running.delete(child));
  return {
    child,
    output: () => out,
    // Generous: under tsx a process compiles at start, which takes long on 2 busy cores.
    waitFor: (pattern, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const existing = out.split("\n").find((line) => pattern.test(line));
        if (existing) return resolve(existing);
        const timer = setTimeout(
          () => reject(new Error(`timed out waiting for ${pattern}; output:\n${out}`)),
          timeoutMs,
        );
        waiters.push({
          pattern,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
        void exited.then((code) => {
          clearTimeout(timer);
          reject(new Error(`process exited (${code}) before ${pattern}; output:\n${out}`));
        });
      }),
    stop: async (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * A port nothing listens on, for a process about to be started on it. Chosen at random BELOW Linux's
 * ephemeral range (32768-60999): a port the kernel handed out for `listen(0)` sits in that range,
 * where any outgoing connection (to PostgreSQL, Redis...) may take it as its local port before the
 * spawned process binds it (EADDRINUSE, seen in CI). Checked free on every address ("::" covers IPv4
 * too), as the web listens.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await canListen(port)) return port;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
}
