import Router from "@koa/router";
import { z } from "zod";
import { opsSeries, opsSeriesQuery } from "../../../shared/domain/ops/opsSeries.js";
import type { AppDeps } from "../../deps.js";
import { errorResponse, jsonResponse } from "../../openapi.js";
import { route } from "../route.js";

const gauges = z.object({ sockets: z.int(), queueDepth: z.int(), failedJobs: z.int() });
const minuteSchema = z
  .object({
    minute: z.iso.datetime().meta({ description: "The minute's start (UTC)." }),
    bookings: z.int().meta({ description: "Bookings created (booking.created events)." }),
    payments: z.object({ succeeded: z.int(), failed: z.int() }),
    loginFailures: z
      .record(z.string(), z.int())
      .meta({ description: 'Failed logins by country code ("??": unknown or private address).' }),
    gauges: gauges.nullable().meta({ description: "The minute's last sample; null when none was taken." }),
  })
  .meta({ id: "OpsMinute" });

/** Admin: the operations page's last hour (then live over Socket.IO: subscribe {ops: true}). */
export function adminOpsRoutes(deps: AppDeps): Router {
  const router = new Router();
  route(router, deps, {
    method: "get",
    path: "/admin/ops/series",
    auth: "admin",
    query: opsSeries,
    describe: {
      tags: ["admin"],
      summary: "The operations charts' last minutes, one row per minute (admin)",
      description:
        "Bookings per minute, payment outcomes, failed logins by country, and the worker's samples of sockets " +
        "connected, queue depth and failed jobs (every CRON_SAMPLE_OPERATIONS_EVERY), oldest first. Live updates " +
        "follow over Socket.IO: an admin socket's `subscribe` with `{ops: true}` receives `ops.update` (what " +
        "happened since the last one) at most once a second.",
      security: [{ bearer: [] }],
      requestParams: { query: opsSeriesQuery },
      responses: {
        200: jsonResponse("The minutes.", z.object({ minutes: z.array(minuteSchema) })),
        400: errorResponse("validation_failed: minutes outside 5-180."),
        401: errorResponse("unauthenticated"),
        403: errorResponse("forbidden: admins only."),
      },
    },
  });
  return router;
}
