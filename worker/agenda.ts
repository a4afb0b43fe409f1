import { config } from "../shared/config.js";
import { openQueue, type Queue } from "../shared/jobs/queue.js";

/** The worker's Agenda: processes jobs. Polling is short because retries only start at a poll. */
export function openWorkerQueue(): Promise<Queue> {
  return openQueue({
    name: `worker-${process.pid}`,
    processEveryMs: config.JOB_PROCESS_EVERY_MS,
    lockLifetimeMs: config.JOB_LOCK_LIFETIME_MS,
  });
}
