import type { Job } from "agenda";
import type { JobMap, JobName } from "../../shared/jobs/jobMap.js";
import type { Logger } from "../../shared/logger.js";
import type { WorkerDeps } from "../deps.js";

export interface JobContext {
  deps: WorkerDeps;
  log: Logger;
  job: Job<unknown>;
}

export interface JobDefinition<N extends JobName = JobName> {
  name: N;
  handler: (data: JobMap[N], ctx: JobContext) => Promise<void>;
  options?: {
    /** Concurrent runs of this job per worker (default JOB_CONCURRENCY). */
    concurrency?: number;
    /** Retries with exponential backoff (default true; scheduled sweeps just run again next tick). */
    retry?: boolean;
    priority?: number;
    /**
     * Delete the job once it succeeded (default false: it stays, completed). For jobs whose outcome
     * is recorded elsewhere (a side effect's done_at): completed rows would only slow the store's
     * "next job" query, which walks past them.
     */
    removeOnComplete?: boolean;
  };
}

/** Typed helper so each job file is checked against its payload in JobMap. */
export function defineJob<N extends JobName>(definition: JobDefinition<N>): JobDefinition<N> {
  return definition;
}

/** Thrown for failures that retrying cannot fix (a permanent SMTP rejection, bad data): no retry. */
export class PermanentJobError extends Error {
  override name = "PermanentJobError";
}
