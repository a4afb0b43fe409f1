import Router from "@koa/router";
import type { JobWithState } from "agenda";
import { z } from "zod";
import { isJobId, JOB_STATES, jobsQuery, listJobsPage, retryJob } from "../../../shared/domain/jobs/adminJobs.js";
import { notFound } from "../../../shared/errors.js";
import { singleLine } from "../../../shared/text.js";
import type { AppDeps } from "../../deps.js";
import { errorResponse, jsonResponse } from "../../openapi.js";
import { route } from "../route.js";

const iso = z.string().nullable();
const jobSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    state: z.enum(JOB_STATES as [string, ...string[]]),
    data: z.unknown(),
    failCount: z.number().int(),
    failReason: z.string().nullable(),
    failedAt: iso,
    lastRunAt: iso,
    lastFinishedAt: iso,
    nextRunAt: iso.meta({
      description: "For a failed job: when it is retried next; null once its attempts are used up.",
    }),
    repeatInterval: z.string().nullable(),
  })
  .meta({ id: "Job" });
const pageSchema = z.object({ data: z.array(jobSchema), nextCursor: z.string().nullable(), total: z.number().int() });

const time = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);

function presentJob(job: JobWithState): z.infer<typeof jobSchema> {
  return {
    id: String(job._id),
    name: job.name,
    state: job.state,
    data: job.data ?? null,
    failCount: job.failCount ?? 0,
    failReason: job.failReason ?? null,
    failedAt: time(job.failedAt),
    lastRunAt: time(job.lastRunAt),
    lastFinishedAt: time(job.lastFinishedAt),
    nextRunAt: time(job.nextRunAt),
    repeatInterval: job.repeatInterval == null ? null : String(job.repeatInterval),
  };
}

/** Admin: the job store (failed jobs above all) and re-running a failed job. */
export function adminJobRoutes(deps: AppDeps): Router {
  const router = new Router();

  route(router, deps, {
    method: "get",
    path: "/admin/jobs",
    auth: "admin",
    query: listJobsPage,
    present: (page) => ({ data: page.jobs.map(presentJob), nextCursor: page.nextCursor, total: page.total }),
    describe: {
      tags: ["admin"],
      summary: "Jobs by state, most recently finished first (admin)",
      description:
        "`state=failed` lists jobs whose last run failed: those waiting for a retry (nextRunAt set) and those " +
        "that used up their attempts or failed permanently (nextRunAt null), which stay until retried.",
      security: [{ bearer: [] }],
      requestParams: { query: jobsQuery },
      responses: {
        200: jsonResponse("One page of jobs.", pageSchema),
        400: errorResponse("validation_failed: unknown state or name, limit outside 1-100, bad cursor."),
        401: errorResponse("unauthenticated"),
        403: errorResponse("forbidden: admins only."),
      },
    },
  });

  route(router, deps, {
    method: "post",
    path: "/admin/jobs/:id/retry",
    auth: "admin",
    command: retryJob,
    input: (ctx) => {
      if (!isJobId(ctx.params.id)) throw notFound("job");
      return { jobId: ctx.params.id };
    },
    present: (job) => ({ job: presentJob(job) }),
    describe: {
      tags: ["admin"],
      summary: "Run a failed job again now, with a fresh attempt budget (admin)",
      security: [{ bearer: [] }],
      requestParams: { path: z.object({ id: singleLine({ max: 64 }).meta({ description: "The job's id" }) }) },
      responses: {
        200: jsonResponse("The job, queued.", z.object({ job: jobSchema })),
        401: errorResponse("unauthenticated"),
        403: errorResponse("forbidden: admins only."),
        404: errorResponse("not_found: no such job."),
        409: errorResponse("job_not_failed: the job is not in the failed state (running, queued, completed…)."),
      },
    },
  });

  return router;
}
