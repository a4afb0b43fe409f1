import Router from "@koa/router";
import type { Context } from "koa";
import { notFound, unauthenticated } from "../../shared/errors.js";
import { metricsAccess, registry } from "../../shared/metrics.js";
import type { AppDeps } from "../deps.js";

const CHECK_TIMEOUT_MS = 1500;

function withTimeout(promise: Promise<unknown>): Promise<unknown> {
  return Promise.race([
    promise,
    new Promise((_, reject) => setTimeout(() => reject(new Error("timed out")), CHECK_TIMEOUT_MS).unref()),
  ]);
}

/** /metrics names routes, error rates and process internals: see metricsAccess(). */
function checkMetricsAccess(ctx: Context): void {
  const access = metricsAccess(ctx.get("authorization"));
  if (access === "off") throw notFound("route");
  if (access === "denied") {
    ctx.set("WWW-Authenticate", 'Bearer realm="metrics"');
    throw unauthenticated("/metrics requires Authorization: Bearer <METRICS_TOKEN>.");
  }
}

/** Liveness, readiness (each dependency checked and named) and Prometheus metrics. */
export function healthRoutes({ orm, redis, jobs }: AppDeps): Router {
  const router = new Router();
  router.get("/healthz", (ctx) => {
    ctx.body = { status: "ok" };
  });
  router.get("/readyz", async (ctx) => {
    const checks: Record<string, () => Promise<unknown>> = {
      postgres: () => orm.em.getConnection().execute("select 1"),
      redis: () => redis.ping(),
      jobStore: () => jobs.ping(),
    };
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await withTimeout(check());
          return [name, "ok"] as const;
        } catch (err) {
          return [name, `failed: ${(err as Error).message}`] as const;
        }
      }),
    );
    const failed = results.filter(([, r]) => r !== "ok").map(([name]) => name);
    ctx.status = failed.length ? 503 : 200;
    ctx.body = { status: failed.length ? "unavailable" : "ready", failed, checks: Object.fromEntries(results) };
  });
  router.get("/metrics", async (ctx) => {
    checkMetricsAccess(ctx);
    ctx.type = registry.contentType;
    ctx.body = await registry.metrics();
  });
  return router;
}
