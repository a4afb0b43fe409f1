import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import test from "ava";

const root = fileURLToPath(new URL("..", import.meta.url));
const EVERY_KIND = ["kill-web", "kill-worker", "restart-redis", "restart-postgres", "chapa-500", "drop-webhooks"];

/**
 * The chaos run in CI: `npm run chaos` for 60 s as its own process (its own PostgreSQL, Redis, nginx,
 * 3 web, 2 workers, sandbox, SMTP), every fault kind injected at least once. Passing means every
 * invariant held (exit 0); the machine-readable last line says which faults were injected.
 */
test("a 60 s chaos run: every fault kind injected, every invariant holds", async (t) => {
  t.timeout(240_000);
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/chaos/main.ts"], {
    cwd: root,
    env: { ...process.env, CHAOS_SECONDS: "60", CHAOS_SETTLE_SECONDS: "45", CHAOS_FAULTS: "", CHAOS_SKIP_FAULTS: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  // If ava gives up on the test, the run must not outlive it: SIGTERM makes it clean up everything.
  t.teardown(() => {
    if (child.exitCode === null) child.kill("SIGTERM");
  });
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));

  // The invariant table and the figures, in the CI log whatever the result.
  const table = output.indexOf("\ninvariant ");
  if (table >= 0) t.log(output.slice(table));
  const line = output.split("\n").find((l) => l.startsWith("CHAOS_SUMMARY "));
  t.truthy(line, `no CHAOS_SUMMARY line; output:\n${output}`);
  const summary = JSON.parse(line!.slice("CHAOS_SUMMARY ".length)) as {
    ok: boolean;
    faults?: Record<string, number>;
    failed?: string[];
    pids?: number[];
    dir?: string;
    ports?: number[];
  };
  t.is(code, 0, `the chaos run failed (${(summary.failed ?? []).join("; ")}); output:\n${output}`);
  t.true(summary.ok);
  for (const kind of EVERY_KIND) t.true((summary.faults?.[kind] ?? 0) >= 1, `${kind} was not injected`);

  // It cleaned up: no process it started is alive, nothing listens on its ports (PostgreSQL, Redis,
  // nginx, the sandbox, the web processes).
  t.true((summary.pids ?? []).length >= 9, "the summary lists the processes it started");
  // A pid counts only if it is still one of the run's processes (a pid may be reused by another).
  const marks = [summary.dir ?? "\0", ...(summary.ports ?? []).map((port) => `:${port}`)];
  const alive = (summary.pids ?? []).filter((pid) => {
    try {
      const seen = `${readFileSync(`/proc/${pid}/cmdline`, "utf8")} ${readFileSync(`/proc/${pid}/environ`, "utf8")}`;
      return marks.some((mark) => seen.includes(mark));
    } catch {
      return false; // gone
    }
  });
  t.deepEqual(alive, [], "processes left running after the chaos run");
  const listening = await Promise.all((summary.ports ?? []).map((port) => answers(port)));
  t.deepEqual(
    (summary.ports ?? []).filter((_, i) => listening[i]),
    [],
    "ports still listening after the chaos run",
  );
});

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
