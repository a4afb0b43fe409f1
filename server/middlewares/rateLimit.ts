import type { Context, Middleware } from "koa";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { z } from "zod";
import { config } from "../../shared/config.js";
import { rateLimited } from "../../shared/errors.js";
import { logger } from "../../shared/logger.js";
import type { AppDeps } from "../deps.js";
import { errorResponse } from "../openapi.js";

export interface RateLimitOptions {
  /** Names the limit in Redis keys and logs, e.g. "login-ip"; one name per limit. */
  name: string;
  /** Requests allowed per key in each window; 0 turns the limit off. */
  points: number;
  /** Length of the window. */
  durationSeconds: number;
  /** What is counted (an IP, an email, a user id); null or "" lets the request through uncounted. */
  key: (ctx: Context) => string | null | undefined;
  /**
   * Called (and awaited) before the 429 for the first request refused in each window of a key, not
   * for the ones after it: an audit trail that a flood cannot grow faster than the windows pass.
   */
  onFirstRefusal?: (ctx: Context) => Promise<void>;
}

/**
 * Koa middleware allowing `points` requests per key per `durationSeconds`, counted in Redis so every
 * web instance shares the count; over the limit it throws 429 rate_limited with Retry-After.
 *
 * While Redis is unreachable an in-memory limiter of the same size stands in (per process, so the
 * effective limit is looser across instances): an outage degrades the limit, never the API.
 */
export function rateLimit({ redis }: Pick<AppDeps, "redis">, options: RateLimitOptions): Middleware {
  if (options.points <= 0) return (_ctx, next) => next();
  const limiter = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `${config.REDIS_KEY_PREFIX}rl:${options.name}`,
    points: options.points,
    duration: options.durationSeconds,
    // Without this, commands would wait for a reconnect attempt first; with it the insurance
    // limiter answers at once while the connection is not ready.
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory({
      keyPrefix: options.name,
      points: options.points,
      duration: options.durationSeconds,
    }),
  });
  return async (ctx, next) => {
    const key = options.key(ctx);
    if (key) {
      try {
        await limiter.consume(key);
      } catch (err) {
        if (err instanceof RateLimiterRes) {
          if (options.onFirstRefusal && err.consumedPoints === options.points + 1) await options.onFirstRefusal(ctx);
          throw rateLimited(err.msBeforeNext / 1000);
        }
        // Both limiters failing is a bug of ours, not the client's: count nothing, keep serving.
        logger.error({ err, limit: options.name }, "rate limiter failed; request let through");
      }
    }
    await next();
  };
}

/** Key: the client's IP (X-Forwarded-For only when TRUST_PROXY is set, as Koa's ctx.ip decides). */
export const byIp = (ctx: Context): string => ctx.ip;

/** Key: the authenticated user's id; use after requireUser. */
export const byUser = (ctx: Context): string | null => (ctx.state.user as { id?: string } | undefined)?.id ?? null;

/** The 429 response of a rate-limited route, for describeRoute's `responses`. */
export const rateLimitedResponse = {
  ...errorResponse("rate_limited: too many requests; retry after Retry-After seconds."),
  headers: z.object({ "Retry-After": z.string().meta({ description: "Seconds to wait before retrying." }) }),
};
