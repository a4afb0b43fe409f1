import { randomUUID } from "node:crypto";
import type { Middleware } from "koa";
import { logger } from "../../shared/logger.js";

const SAFE_ID = /^[\w.-]{1,100}$/;

/** Gives every request an id (echoed as X-Request-Id) and writes one log line per request with it. */
export function requestContext(): Middleware {
  return async (ctx, next) => {
    const incoming = ctx.get("x-request-id");
    const requestId = SAFE_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.state.log = logger.child({ requestId });
    ctx.set("X-Request-Id", requestId);
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const line = { method: ctx.method, url: ctx.url, status: ctx.status, ms: Math.round(ms * 10) / 10 };
      // 503 is a dependency being away (a database restart), not a defect of ours.
      if (ctx.status === 503) ctx.state.log.warn(line, "request refused: service unavailable");
      else if (ctx.status >= 500) ctx.state.log.error(line, "request failed");
      else ctx.state.log.info(line, "request");
    }
  };
}
