import type { Middleware } from "koa";
import { ZodError } from "zod";
import { isMissingAccountError } from "../../shared/db/missingAccount.js";
import { isServiceUnavailableError } from "../../shared/db/unavailable.js";
import { AppError, notFound, serviceUnavailable, unauthenticated } from "../../shared/errors.js";
import { databaseErrors } from "../../shared/metrics.js";
import { zodDetails } from "../validate.js";

interface HttpishError extends Error {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
}

/** Errors thrown by libraries (body parser, router) mapped onto the codes of API.md. */
function fromHttpError(err: HttpishError): AppError | null {
  const status = err.status ?? err.statusCode;
  if (!status || status < 400 || status >= 500) return null;
  if (err.type === "entity.parse.failed" || (status === 400 && /json/i.test(err.message)))
    return new AppError("invalid_json", 400, "The request body is not valid JSON.");
  if (status === 413) return new AppError("payload_too_large", 413, "The request body is too large (limit 100 kB).");
  if (status === 415) return new AppError("unsupported_media_type", 415, "Send the body as application/json.");
  if (status === 405) return methodNotAllowed();
  if (status === 404) return new AppError("not_found", 404, "Nothing is here.");
  return new AppError("bad_request", status, err.expose ? err.message : "The request could not be processed.");
}

// The Allow header set by the router's allowedMethods is already on the response and stays.
const methodNotAllowed = () =>
  new AppError(
    "method_not_allowed",
    405,
    "This method is not allowed on this path; the Allow header lists those that are.",
  );

/**
 * The one place errors become responses: always `{error: {code, message, details}}`. A database that
 * cannot be reached (restart, failover, outage) is 503 service_unavailable with Retry-After. Anything
 * unexpected is a 500 carrying the request id, logged with its stack, which never reaches the body.
 */
export function errorHandler(): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      // Left unanswered by every route: the router's allowedMethods set 405 (or 501 for a method it
      // does not know) with Allow listing the methods of a known path; otherwise nothing matched (404).
      // Either way the answer gets the JSON error body like any thrown error.
      if (ctx.body == null && [404, 405, 501].includes(ctx.status)) {
        if (ctx.status !== 404 && ctx.response.get("Allow")) throw methodNotAllowed();
        throw notFound("route");
      }
    } catch (caught) {
      const err = caught as HttpishError;
      let appError: AppError | null =
        err instanceof AppError
          ? err
          : err instanceof ZodError
            ? new AppError("validation_failed", 400, "The request is not valid.", zodDetails(err))
            : isServiceUnavailableError(err)
              ? serviceUnavailable()
              : isMissingAccountError(err)
                ? unauthenticated("This token's account no longer exists.")
                : fromHttpError(err);
      // The request line (requestContext) records the 503; the cause is kept at debug, not once per request.
      if (appError?.status === 503) {
        databaseErrors.inc();
        ctx.state.log?.debug({ err: err.message }, "service unavailable");
      }
      if (!appError) {
        ctx.state.log?.error({ err }, "unexpected error");
        appError = new AppError(
          "internal_error",
          500,
          `Something went wrong on our side. Quote request id ${ctx.state.requestId} if you report it.`,
        );
      }
      ctx.status = appError.status;
      for (const [name, value] of Object.entries(appError.headers)) ctx.set(name, value);
      ctx.body = {
        error: {
          code: appError.code,
          message: appError.message,
          details: appError.details,
          ...(appError.status >= 500 ? { requestId: ctx.state.requestId } : {}),
        },
      };
    }
  };
}
