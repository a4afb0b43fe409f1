import { config } from "../shared/config.js";
import { initOrm } from "../shared/db/orm.js";
import { setEventRelay, startEventRelay } from "../shared/events/relay.js";
import { createDetachedIo } from "../shared/events/socketIo.js";
import { createSocketPublisher } from "../shared/events/socketPublisher.js";
import { logger } from "../shared/logger.js";
import { createMailer } from "../shared/mail/mailer.js";
import { guardProcess } from "../shared/processGuards.js";
import { createRedis } from "../shared/redis.js";
import { drainAndRelease, lapseForgottenLocks, openWorkerQueue } from "./agenda.js";
import { scheduleTasks } from "./cron.js";
import type { WorkerDeps } from "./deps.js";
import { startMetricsServer } from "./metricsServer.js";
import { concurrencyFor, handlersRunning, registerJobs } from "./registry.js";

guardProcess();
// Each sendEmail and refundPayment run holds its connection while it talks to SMTP or Chapa (the side
// effect's row lock is the guard against doing it twice, shared/sideEffects/lifecycle.ts), so the pool
// must outgrow those runs or the other jobs would wait on them.
const orm = await initOrm({
  pool: {
    max: Math.max(config.DATABASE_POOL_MAX, concurrencyFor("sendEmail") + concurrencyFor("refundPayment") + 5),
  },
});
const redis = createRedis("worker");
const queue = await openWorkerQueue();
const io = createDetachedIo(createRedis("worker-io", config.REDIS_URL, { autoPipelining: true }));
const publisher = createSocketPublisher(io);
// The worker's relay can lead too (shared/events/relay.ts); commands run by jobs wake it after commit.
const relay = config.EVENTS_RELAY
  ? startEventRelay(orm, {
      emitter: publisher,
      pollMs: config.EVENTS_RELAY_POLL_MS,
      coalesceMs: config.EVENTS_RELAY_COALESCE_MS,
      electionMs: config.EVENTS_RELAY_ELECTION_MS,
      wakeRedis: redis,
    })
  : null;
setEventRelay(relay);
const mailer = createMailer();
const deps: WorkerDeps = { orm, redis, queue, publisher, mailer };
registerJobs(deps);
queue.agenda.on("retry exhausted", (err, job) =>
  logger.error(
    { job: job.attrs.name, jobId: String(job.attrs._id), err: err.message },
    "job failed for good; see GET /api/v1/admin/jobs?state=failed",
  ),
);
await scheduleTasks(queue.agenda);
await queue.agenda.start();
const stopLapsing = lapseForgottenLocks(queue, { alsoKeep: handlersRunning });
const metricsServer = startMetricsServer(orm, { postgresStore: queue.kind === "postgres" });
logger.info({ store: queue.kind, mail: mailer.kind }, "worker started");

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal, timeoutMs: config.WORKER_DRAIN_TIMEOUT_MS }, "worker draining");
  stopLapsing();
  await metricsServer.close();
  // Running jobs finish (up to the timeout); jobs not started are unlocked for another worker.
  const result = await drainAndRelease(queue.agenda, config.WORKER_DRAIN_TIMEOUT_MS);
  if (result.timedOut) logger.warn({ running: result.running }, "drain timed out; unfinished jobs will be retried");
  await queue.close();
  await relay?.stop();
  mailer.close();
  // A detached server has no engine to close (io.close() would throw): close only its adapter.
  await io.of("/").adapter.close();
  await orm.close();
  redis.disconnect();
  logger.info({ completed: result.completed, released: result.released }, "worker stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
