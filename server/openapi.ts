import { type ZodType, z } from "zod";
import {
  createDocument,
  type ZodOpenApiOperationObject,
  type ZodOpenApiOverrideContext,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponseObject,
} from "zod-openapi";
import { config } from "../shared/config.js";

/**
 * Route modules describe each route here, next to its handler, from the same zod schemas that
 * validate it; /api/v1/openapi.json is built from these descriptions. What every operation shares
 * (its operationId and tag when not given, the statuses the middleware chain answers for any route,
 * the Retry-After and Idempotent-Replayed headers) is added here, once, not by each route.
 */
const paths: ZodOpenApiPathsObject = {};

export type Method = "get" | "post" | "patch" | "put" | "delete";

/** The tags of the document, each with what it groups; an operation's tag must be one of these. */
export const TAGS = {
  accounts: "Registration, login, the current user, password changes and sessions.",
  listings: "Places to stay: create, edit, archive, search, availability.",
  reviews: "Reviews of completed stays.",
  bookings: "Holding dates, paying, cancelling; a booking's lifecycle.",
  messages: "The conversation between a booking's guest and host.",
  payments: "Chapa checkout, its return and callback, and its webhook.",
  notifications: "The events a user missed, as a page, and marking them read.",
  admin: "Operators only: login audit and analytics, the IP blocklist, background jobs, live operations.",
  calendars: "Calendar sync with other channels: a listing's iCal export feed and the feeds it imports.",
  health: "Liveness, readiness and Prometheus metrics, outside /api/v1.",
  docs: "This document and its Swagger UI page.",
} as const;
export type Tag = keyof typeof TAGS;

/** Body methods: the JSON body parser runs for them whether or not the route reads a body. */
const BODY_METHODS = new Set<Method>(["post", "put", "patch"]);
const IDEMPOTENCY_HEADER = "Idempotency-Key";

/** `path` is the Koa path under /api/v1 (":id" style); it is converted to OpenAPI's "{id}". */
export function describeRoute(method: Method, path: string, operation: ZodOpenApiOperationObject): void {
  describeOperation(method, `/api/v1${path}`, operation);
}

/**
 * Any path of the app, not only /api/v1 (the health endpoints). Without `operationId` one is derived
 * from the method and the path (GET /bookings/{id}/messages → getBookingsByIdMessages); without
 * `tags`, the path's first segment after /api/v1 names the tag ("reviews" for /bookings/:id/review is
 * given by its route).
 */
export function describeOperation(method: Method, fullPath: string, operation: ZodOpenApiOperationObject): void {
  const openApiPath = fullPath.replace(/:(\w+)/g, "{$1}");
  if (!operation.summary) throw new Error(`describeRoute ${method} ${fullPath}: give a summary`);
  const tags = operation.tags ?? [defaultTag(openApiPath)];
  for (const tag of tags) {
    if (!Object.hasOwn(TAGS, tag)) throw new Error(`describeRoute ${method} ${fullPath}: unknown tag "${tag}"`);
  }
  const apiOperation = openApiPath.startsWith("/api/v1/");
  const responses: Record<string, ZodOpenApiResponseObject> = {
    ...(operation.responses as Record<string, ZodOpenApiResponseObject>),
  };
  if (apiOperation) {
    if (BODY_METHODS.has(method)) {
      responses["400"] ??= errorResponse(
        "invalid_json: the body is not JSON; validation_failed: it is not a JSON object, or nests too deep.",
      );
      responses["413"] ??= errorResponse("payload_too_large: the body is over 100 kB.");
      responses["415"] ??= errorResponse(
        "unsupported_media_type: the body is not application/json, or its Content-Encoding is not supported.",
      );
    }
    if (validatesParameters(operation)) {
      responses["400"] ??= errorResponse("validation_failed: a parameter breaks its rules (details name it).");
    }
    responses["500"] ??= errorResponse("internal_error: a fault of ours, logged under the requestId in the body.");
    responses["503"] ??= errorResponse(
      "service_unavailable: the database is unreachable (a restart or failover); nothing was changed. Retry after Retry-After seconds.",
    );
  }
  if (responses["429"]) responses["429"] = { ...responses["429"], headers: retryAfterHeaders };
  if (responses["503"]) responses["503"] = { ...responses["503"], headers: retryAfterHeaders };
  if (takesIdempotencyKey(operation)) {
    for (const [status, response] of Object.entries(responses)) {
      if (isReplayable(Number(status))) {
        responses[status] = { ...response, headers: { ...headersOf(response), ...replayedHeaders } };
      }
    }
  }
  for (const [status, response] of Object.entries(responses)) {
    if (/^3\d\d$/.test(status))
      responses[status] = { ...response, headers: { ...headersOf(response), ...locationHeaders } };
  }
  const described: ZodOpenApiOperationObject = {
    operationId: operation.operationId ?? operationIdOf(method, openApiPath),
    ...operation,
    tags,
    // No security on a public operation says so explicitly ([] means: no credentials).
    security: operation.security ?? [],
    ...(operation.requestBody ? { requestBody: { required: true, ...operation.requestBody } } : {}),
    responses,
  };
  paths[openApiPath] = { ...(paths[openApiPath] ?? {}), [method]: described };
}

/** Query and header parameters are parsed with zod (400); so are path parameters but `:id` (404 when malformed). */
function validatesParameters(operation: ZodOpenApiOperationObject): boolean {
  const { query, header, path } = (operation.requestParams ?? {}) as Record<string, { shape?: object } | undefined>;
  const pathNames = Object.keys(path?.shape ?? {});
  return Boolean(query || header || pathNames.some((name) => name !== "id"));
}

const headersOf = (response: ZodOpenApiResponseObject) => (response.headers ?? {}) as Record<string, unknown>;

function takesIdempotencyKey(operation: ZodOpenApiOperationObject): boolean {
  const header = operation.requestParams?.header as { shape?: Record<string, unknown> } | undefined;
  return Boolean(header?.shape && IDEMPOTENCY_HEADER in header.shape);
}

/**
 * As server/middlewares/idempotency.ts stores them: 2xx and 4xx but 429 are replayed. 401 (requireUser),
 * 413 and 415 (the body parser) are answered before the key is read, so they never are.
 */
const isReplayable = (status: number) =>
  (status >= 200 && status < 300) || (status >= 400 && status < 500 && ![401, 413, 415, 429].includes(status));

const retryAfterHeaders = {
  "Retry-After": {
    description: "Whole seconds to wait before retrying (at least 1).",
    schema: { type: "integer" as const, minimum: 0, examples: [30] },
  },
};
const replayedHeaders = {
  "Idempotent-Replayed": {
    description: "true when this is the stored response of an earlier request with the same Idempotency-Key.",
    schema: { type: "string" as const, enum: ["true"] },
  },
};
const locationHeaders = {
  Location: { description: "Where the browser is sent.", schema: { type: "string" as const, format: "uri-reference" } },
};

function defaultTag(openApiPath: string): Tag {
  const segment = openApiPath.replace(/^\/api\/v1/, "").split("/")[1] ?? "";
  const known: Record<string, Tag> = { auth: "accounts", me: "accounts", webhooks: "payments" };
  const tag = known[segment] ?? segment;
  if (!Object.hasOwn(TAGS, tag)) throw new Error(`describeRoute: no tag for ${openApiPath}; give one`);
  return tag as Tag;
}

/** get /api/v1/bookings/{id}/messages → getBookingsByIdMessages; post /api/v1/auth/login → postAuthLogin. */
export function operationIdOf(method: Method, openApiPath: string): string {
  const words = openApiPath
    .replace(/^\/api\/v1/, "")
    .split("/")
    .filter(Boolean)
    .flatMap((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment)?.[1];
      return (param ? `by-${param}` : segment).split(/[^A-Za-z0-9]+/);
    })
    .filter(Boolean);
  return method + words.map((w) => w[0].toUpperCase() + w.slice(1)).join("");
}

/** A JSON response description from a zod schema. */
export function jsonResponse(description: string, schema?: ZodType) {
  return schema ? { description, content: { "application/json": { schema } } } : { description };
}

/** A JSON request body description from a zod schema (required: the parser reads an absent body as {}). */
export function jsonBody(schema: ZodType) {
  return { required: true, content: { "application/json": { schema } } };
}

/** The error body of API.md, one component shared by every route's error responses. */
export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ example: "validation_failed" }),
      message: z.string().meta({ example: "The request is not valid." }),
      details: z.array(z.object({ path: z.string(), message: z.string() })),
      requestId: z.string().optional().meta({ description: "Only on 5xx: quote it when reporting." }),
    }),
  })
  .meta({ id: "Error" });

/** An error response description, e.g. `409: errorResponse("email_taken: the email has an account")`. */
export function errorResponse(description: string) {
  return jsonResponse(description, errorSchema);
}

/**
 * Query-string numbers are validated as digits (shared/text.ts `digits`: a string pattern piped into an
 * integer), which zod renders as a string with a pattern. On the wire they are integers in the query,
 * so the document says integer with the integer's bounds; validation itself is unchanged.
 */
function digitsAsInteger(ctx: ZodOpenApiOverrideContext): void {
  const { jsonSchema, zodSchema } = ctx;
  if (jsonSchema.type !== "string" || jsonSchema.pattern !== "^\\d{1,16}$") return;
  type Def = { type: string; out?: ZodType & { _zod: { def: { type: string } } } };
  const def = (zodSchema as unknown as { _zod: { def: Def } })._zod.def;
  if (def.type !== "pipe" || def.out?._zod.def.type !== "number") return;
  const out = z.toJSONSchema(def.out) as { type?: string; minimum?: number; maximum?: number };
  if (out.type !== "integer") return;
  delete jsonSchema.pattern;
  jsonSchema.type = "integer";
  if (out.minimum !== undefined) jsonSchema.minimum = out.minimum;
  if (out.maximum !== undefined) jsonSchema.maximum = out.maximum;
}

export function buildOpenApiDocument() {
  return createDocument(
    {
      openapi: "3.1.0",
      info: {
        title: "Nexus API",
        version: "1.0.0",
        contact: { name: "Nexus", url: `${new URL(config.PUBLIC_URL).origin}/docs` },
        license: { name: "Proprietary", identifier: "LicenseRef-Proprietary" },
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
      servers: [{ url: new URL(config.PUBLIC_URL).origin, description: "This deployment (PUBLIC_URL)." }],
      tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
      components: {
        securitySchemes: {
          bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
          metricsToken: { type: "http", scheme: "bearer", description: "METRICS_TOKEN, for /metrics only." },
        },
      },
      paths,
    },
    { override: digitsAsInteger },
  );
}
