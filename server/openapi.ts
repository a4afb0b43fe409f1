import { type ZodType, z } from "zod";
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from "zod-openapi";

/**
 * Route modules describe each route here, next to its handler, from the same zod schemas that
 * validate it; /api/v1/openapi.json is built from these descriptions.
 */
const paths: ZodOpenApiPathsObject = {};

type Method = "get" | "post" | "patch" | "put" | "delete";

/** `path` is the Koa path under /api/v1 (":id" style); it is converted to OpenAPI's "{id}". */
export function describeRoute(method: Method, path: string, operation: ZodOpenApiOperationObject): void {
  const openApiPath = `/api/v1${path}`.replace(/:(\w+)/g, "{$1}");
  const responses = { 503: serviceUnavailableResponse(), ...operation.responses };
  paths[openApiPath] = { ...(paths[openApiPath] ?? {}), [method]: { ...operation, responses } };
}

/** Every operation may answer this while PostgreSQL is unreachable (a restart, a failover). */
function serviceUnavailableResponse() {
  return {
    ...errorResponse(
      "service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds.",
    ),
    headers: {
      "Retry-After": { description: "Seconds to wait before retrying", schema: { type: "integer" as const } },
    },
  };
}

/** A JSON response description from a zod schema. */
export function jsonResponse(description: string, schema?: ZodType) {
  return schema ? { description, content: { "application/json": { schema } } } : { description };
}

/** A JSON request body description from a zod schema. */
export function jsonBody(schema: ZodType) {
  return { content: { "application/json": { schema } } };
}

/** The error body of API.md, one component shared by every route's error responses. */
export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ example: "validation_failed" }),
      message: z.string(),
      details: z.array(z.object({ path: z.string(), message: z.string() })),
      requestId: z.string().optional().meta({ description: "Only on 5xx: quote it when reporting." }),
    }),
  })
  .meta({ id: "Error" });

/** An error response description, e.g. `409: errorResponse("email_taken: the email has an account")`. */
export function errorResponse(description: string) {
  return jsonResponse(description, errorSchema);
}

export function buildOpenApiDocument() {
  return createDocument({
    openapi: "3.1.0",
    info: {
      title: "Nexus API",
      version: "1.0.0",
      description:
        "Stays marketplace: accounts, listings, bookings, payments.\n\n" +
        "Input rules for every operation: strings never hold NUL or lone surrogates, and single-line fields " +
        "(names, emails, titles, cities, references, the Idempotency-Key) hold no control, line-break or " +
        "invisible formatting characters and are not empty once those are left out; text is trimmed " +
        "(passwords excepted). Numbers in query strings are digits only; JSON numbers are never taken from " +
        "strings, booleans or arrays. A body is one JSON object nested at most 32 levels, at most 100 kB, with " +
        "Content-Encoding identity, gzip, deflate or br (else 415). Breaking a rule is 400 validation_failed. " +
        "A known path with another method is 405 method_not_allowed with Allow. Requests Node refuses before " +
        "the app (headers too large: 431 headers_too_large; malformed HTTP: 400 bad_request) get the same " +
        "JSON error body.",
    },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
    },
    paths,
  });
}
