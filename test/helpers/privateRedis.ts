import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { freePort } from "./processes.js";

/**
 * A redis-server of the test's own, for tests that stop and restart Redis: the shared one must
 * stay up for the test files running beside them.
 */
export class PrivateRedis {
  private child: ChildProcess | null = null;
  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(
      "redis-server",
      ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    this.child = child;
    let out = "";
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`private redis did not start:\n${out}`)), 10_000);
      child.stdout!.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("Ready to accept connections")) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once("exit", () => reject(new Error(`private redis exited:\n${out}`)));
    });
  }

  async stop(): Promise<void> {
    if (!this.child) return;
    const exited = once(this.child, "exit");
    this.child.kill("SIGKILL");
    await exited;
    this.child = null;
  }
}
