import { config } from "../shared/config.js";
import { initOrm } from "../shared/db/orm.js";
import { setEventPublisher } from "../shared/events/publisher.js";
import { createDetachedIo } from "../shared/events/socketIo.js";
import { createSocketPublisher } from "../shared/events/socketPublisher.js";
import { logger } from "../shared/logger.js";
import { createRedis } from "../shared/redis.js";
import { openWorkerQueue } from "./agenda.js";
import type { WorkerDeps } from "./deps.js";
import { registerJobs } from "./registry.js";

const orm = await initOrm();
const redis = createRedis("worker");
const queue = await openWorkerQueue();
const io = createDetachedIo(createRedis("worker-io"));
const publisher = createSocketPublisher(io);
// Commands run by jobs publish their events after commit through the same publisher.
setEventPublisher(publisher);
const deps: WorkerDeps = { orm, redis, queue, publisher };
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
  // A detached server has no engine to close (io.close() would throw): close only its adapter.
  await io.of("/").adapter.close();
  await orm.close();
  redis.disconnect();
  logger.info({ completed: result.completed }, "worker stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
