import { type Agenda, Job, type JobState, type JobWithState } from "agenda";
import { z } from "zod";
import { conflict, notFound } from "../../errors.js";
import { isUuid } from "../../ids.js";
import type { JobName } from "../../jobs/jobMap.js";
import { JOB_NAMES } from "../../jobs/jobMap.js";
import { queueKind } from "../../jobs/queue.js";
import { pageLimit } from "../../pagination.js";
import { digits, singleLine } from "../../text.js";
import { defineCommand, defineQuery } from "../commands/define.js";
import type { DatabaseDeps } from "../deps.js";

/** What the admin job commands need: the job store, through the Agenda the web process holds. */
export interface JobStoreDeps extends DatabaseDeps {
  jobs: { agenda: Agenda };
}

/** States as Agenda computes them from a job's timestamps; the same for every store. */
export const JOB_STATES: readonly JobState[] = [
  "failed",
  "running",
  "queued",
  "scheduled",
  "repeating",
  "completed",
  "paused",
];

/** A job id as the configured store writes them (PostgreSQL: UUID, MongoDB: ObjectId); anything else names no job. */
export function isJobId(id: string): boolean {
  return queueKind() === "mongodb" ? /^[0-9a-f]{24}$/i.test(id) : isUuid(id);
}

export interface JobQuery {
  state?: JobState;
  name?: JobName;
  limit: number;
  offset: number;
}

/**
 * Jobs in a state, most recently finished first, through Agenda's store-neutral query (so MongoDB
 * answers the same). "failed" means the last run failed: exhausted jobs (nextRunAt null) and jobs
 * waiting for their next retry (nextRunAt set) alike.
 */
export async function listJobs(agenda: Agenda, query: JobQuery): Promise<{ jobs: JobWithState[]; total: number }> {
  return agenda.queryJobs({
    state: query.state,
    name: query.name,
    sort: { lastFinishedAt: "desc", nextRunAt: "desc" },
    skip: query.offset,
    limit: query.limit,
  });
}

/**
 * Runs a failed job again now, with a fresh attempt budget: Job#save writes only what a user may set
 * and clears the failure (failCount, failReason, failedAt are the processor's), and it notifies the
 * workers, so one picks the job up at once. 404 for an unknown id, 409 job_not_failed otherwise.
 */
export async function retryFailedJob(agenda: Agenda, id: string): Promise<JobWithState> {
  if (!isJobId(id)) throw notFound("job");
  const [found] = (await agenda.queryJobs({ id, limit: 1 })).jobs;
  if (!found) throw notFound("job");
  if (found.state !== "failed")
    throw conflict("job_not_failed", `Only a failed job can be retried; this one is ${found.state}.`);
  const { state: _state, ...attrs } = found;
  const job = new Job(agenda, { ...attrs, failCount: 0, failReason: undefined, failedAt: undefined } as never);
  job.schedule(new Date());
  await job.save();
  const [after] = (await agenda.queryJobs({ id, limit: 1 })).jobs;
  return after ?? found;
}

/** GET /admin/jobs' query. */
export const jobsQuery = z.strictObject({
  state: z.enum(JOB_STATES as [string, ...string[]]).optional(),
  name: z.enum(JOB_NAMES as [string, ...string[]]).optional(),
  limit: pageLimit,
  // An offset: the job store's query pages by position (the list is for operators, not for feeds).
  cursor: digits({ min: 0, max: 999_999_999 }).optional(),
});

/** GET /admin/jobs (admins: the route requires the role). Pages by offset, carried as the cursor. */
export const listJobsPage = defineQuery({
  name: "jobs.list",
  input: jobsQuery,
  async run({ input, deps }: { input: z.output<typeof jobsQuery>; deps: JobStoreDeps }) {
    const offset = input.cursor ?? 0;
    const page = await listJobs(deps.jobs.agenda, {
      state: input.state as JobState | undefined,
      name: input.name as JobName | undefined,
      limit: input.limit,
      offset,
    });
    const next = offset + page.jobs.length;
    return { jobs: page.jobs, nextCursor: next < page.total ? String(next) : null, total: page.total };
  },
});

/** POST /admin/jobs/:id/retry: the job store is Agenda's, so no database transaction of ours. */
export const retryJob = defineCommand({
  name: "jobs.retry",
  input: z.object({ jobId: singleLine({ max: 64 }) }),
  transaction: "self",
  run: ({ input, deps }: { input: { jobId: string }; deps: JobStoreDeps }) =>
    retryFailedJob(deps.jobs.agenda, input.jobId),
});
