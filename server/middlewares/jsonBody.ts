import { bodyParser } from "@koa/bodyparser";
import type { Middleware } from "koa";
import { AppError } from "../../shared/errors.js";

export const BODY_LIMIT = "100kb";
const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);

/**
 * JSON only, 100 kB at most. A body of another type is 415 rather than silently ignored;
 * the raw bytes stay on ctx.request.rawBody for webhook signatures.
 */
export function jsonBody(): Middleware {
  const parse = bodyParser({ enableTypes: ["json"], jsonLimit: BODY_LIMIT, encoding: "utf-8", jsonStrict: true });
  return async (ctx, next) => {
    const hasBody = Number(ctx.get("content-length") || 0) > 0 || ctx.get("transfer-encoding") !== "";
    if (BODY_METHODS.has(ctx.method) && hasBody && !ctx.is("application/json", "application/*+json")) {
      throw new AppError("unsupported_media_type", 415, "Send the body as application/json.");
    }
    return parse(ctx, next);
  };
}
