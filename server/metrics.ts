import type { Middleware } from "koa";
import { httpDuration } from "../shared/metrics.js";

export { registry } from "../shared/metrics.js";

/** Times every request under its route pattern (not its URL, which would explode the label set). */
export function httpMetrics(): Middleware {
  return async (ctx, next) => {
    const end = httpDuration.startTimer();
    try {
      await next();
    } finally {
      const route = (ctx as { _matchedRoute?: string })._matchedRoute ?? "unmatched";
      end({ method: ctx.method, route: String(route), status: String(ctx.status) });
    }
  };
}
