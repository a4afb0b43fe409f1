import { randomUUID } from "node:crypto";
import type { Middleware } from "koa";
import type { Logger } from "pino";
import { logger } from "../../shared/logger.js";

const SAFE_ID = /^[\w.-]{1,100}$/;

/** Gives every request an id (echoed as X-Request-Id) and writes one log line per request with it. */
export function requestContext(): Middleware {
  return async (ctx, next) => {
    const incoming = ctx.get("x-request-id");
    const requestId = SAFE_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    // The request's child logger, made when something logs: making one serializes (and redacts) its
    // bindings, some 6% of a cached search's CPU when nothing at all was logged (LOG_LEVEL above info).
    let log: Logger | undefined;
    Object.defineProperty(ctx.state, "log", {
      configurable: true,
      enumerable: true,
      get: () => {
        log ??= logger.child({ requestId });
        return log;
      },
    });
    ctx.set("X-Request-Id", requestId);
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      // 503 is a dependency being away (a database restart), not a defect of ours.
      const level = ctx.status === 503 ? "warn" : ctx.status >= 500 ? "error" : "info";
      if (logger.isLevelEnabled(level)) {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        const line = { method: ctx.method, url: ctx.url, status: ctx.status, ms: Math.round(ms * 10) / 10 };
        const message =
          level === "warn" ? "request refused: service unavailable" : level === "error" ? "request failed" : "request";
        ctx.state.log[level](line, message);
      }
    }
  };
}
