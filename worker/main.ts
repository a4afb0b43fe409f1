import { config } from "../shared/config.js";
import { initOrm } from "../shared/db/orm.js";
import { logger } from "../shared/logger.js";
import { createRedis } from "../shared/redis.js";
import { openWorkerQueue } from "./agenda.js";
import type { WorkerDeps } from "./deps.js";
import { registerJobs } from "./registry.js";

const orm = await initOrm();
const redis = createRedis("worker");
const queue = await openWorkerQueue();
const deps: WorkerDeps = { orm, redis, queue };
registerJobs(deps);
queue.agenda.on("error", (err) => logger.error({ err }, "agenda error"));
await queue.agenda.start();
logger.info({ store: queue.kind }, "worker started");

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal, timeoutMs: config.WORKER_DRAIN_TIMEOUT_MS }, "worker draining");
  // Running jobs finish (up to the timeout); jobs not started stay in the store for another worker.
  const result = await queue.agenda.drain(config.WORKER_DRAIN_TIMEOUT_MS);
  if (result.timedOut) logger.warn({ running: result.running }, "drain timed out; unfinished jobs will be retried");
  await queue.close();
  await orm.close();
  redis.disconnect();
  logger.info({ completed: result.completed }, "worker stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
