import { GraphQLError } from "graphql";
import { ZodError } from "zod";
import { isMissingAccountError } from "../../shared/db/missingAccount.js";
import { isServiceUnavailableError } from "../../shared/db/unavailable.js";
import { AppError, serviceUnavailable, unauthenticated } from "../../shared/errors.js";
import { logger } from "../../shared/logger.js";
import { databaseErrors } from "../../shared/metrics.js";
import { zodDetails } from "../validate.js";

/** The API error a thrown value stands for, as the REST error middleware decides it; null: unexpected. */
function appErrorOf(err: unknown): AppError | null {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError)
    return new AppError("validation_failed", 400, "The request is not valid.", zodDetails(err));
  if (isServiceUnavailableError(err)) {
    databaseErrors.inc();
    return serviceUnavailable();
  }
  if (isMissingAccountError(err)) return unauthenticated("This token's account no longer exists.");
  return null;
}

/**
 * The one place GraphQL errors are shaped (yoga's maskError): `extensions.code` is the REST code of
 * API.md, with `details` for validation_failed and `retryAfter` for rate_limited; an unexpected error
 * becomes internal_error, logged with its stack, which (like any SQL) never reaches the client.
 * Errors of the document itself (syntax, unknown fields, bad variables) are validation_failed naming
 * "(query)", unless a rule of ours already gave a code (query_too_deep, query_too_complex).
 */
export function maskError(error: unknown): Error {
  const graphqlError = error instanceof GraphQLError ? error : null;
  const at = graphqlError ? { nodes: graphqlError.nodes, path: graphqlError.path } : {};
  // The thrown value under GraphQL's wrappings (a resolver's error, a scalar's refusal of a variable).
  let inner: unknown = error;
  while (inner instanceof GraphQLError && inner.originalError) inner = inner.originalError;
  if (inner instanceof GraphQLError) {
    // graphql-jit's errors may have no extensions at all.
    const code = inner.extensions?.code ?? graphqlError?.extensions?.code;
    if (typeof code === "string" && /^[a-z_]+$/.test(code)) return graphqlError ?? inner;
    const message = graphqlError?.message ?? inner.message;
    return new GraphQLError(message, {
      ...at,
      extensions: {
        code: "validation_failed",
        details: [{ path: "(query)", message }],
        ...(graphqlError?.extensions?.http ? { http: graphqlError.extensions.http } : {}),
      },
    });
  }
  const appError = appErrorOf(inner);
  if (appError) {
    return new GraphQLError(appError.message, {
      ...at,
      extensions: {
        code: appError.code,
        ...(appError.details.length ? { details: appError.details } : {}),
        ...(appError.headers["Retry-After"] ? { retryAfter: Number(appError.headers["Retry-After"]) } : {}),
      },
    });
  }
  logger.error({ err: inner }, "unexpected GraphQL error");
  return new GraphQLError("Something went wrong on our side.", { ...at, extensions: { code: "internal_error" } });
}
