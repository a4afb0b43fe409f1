import { createReadStream } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import Router from "@koa/router";
import { z } from "zod";
import { notFound } from "../../shared/errors.js";
import { buildOpenApiDocument, describeOperation, describeRoute, errorResponse, jsonResponse } from "../openapi.js";

const OPENAPI_PATH = "/api/v1/openapi.json";

// Swagger UI's files from the installed swagger-ui-dist package: the docs page loads nothing from
// anywhere but this server. Only these names are served (no path from the URL reaches the disk).
const swaggerDir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
const ASSETS: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "application/javascript; charset=utf-8",
  "favicon-32x32.png": "image/png",
};

// A file rather than an inline script, so the page works under a script-src 'self' policy.
// validatorUrl: null stops Swagger UI from sending the document to validator.swagger.io.
const INIT_SCRIPT = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: ${JSON.stringify(OPENAPI_PATH)},
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
};
`;

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Nexus API</title>
    <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
    <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/assets/swagger-ui-bundle.js"></script>
    <script src="/docs/assets/init.js"></script>
  </body>
</html>
`;

const openApiDocumentSchema = z
  .looseObject({ openapi: z.string().meta({ example: "3.1.0" }), info: z.looseObject({}), paths: z.looseObject({}) })
  .meta({ id: "OpenApiDocument" });

const readiness = z
  .object({
    status: z.enum(["ready", "unavailable"]),
    failed: z.array(z.string()).meta({ description: 'The checks that failed, e.g. ["redis"].' }),
    checks: z.record(z.string(), z.string()).meta({
      description: 'Each dependency: "ok" or "failed: <reason>".',
      example: { postgres: "ok", redis: "ok", jobStore: "ok" },
    }),
  })
  .meta({ id: "Readiness" });

/**
 * The health endpoints (server/routes/health.ts) are outside /api/v1 and have no zod schemas of their
 * own, so their description lives with the document's other non-API routes, here.
 */
function describeHealthRoutes(): void {
  describeOperation("get", "/healthz", {
    tags: ["health"],
    operationId: "getHealthz",
    summary: "Liveness: the process answers (checks nothing else)",
    responses: {
      "200": jsonResponse("Alive.", z.object({ status: z.literal("ok") }).meta({ id: "Liveness" })),
    },
  });
  describeOperation("get", "/readyz", {
    tags: ["health"],
    operationId: "getReadyz",
    summary: "Readiness: PostgreSQL, Redis and the job store each answer within 1.5 s",
    responses: {
      "200": jsonResponse("Every dependency answered.", readiness),
      "503": jsonResponse("At least one dependency did not answer; `failed` names them.", readiness),
    },
  });
  describeOperation("get", "/metrics", {
    tags: ["health"],
    operationId: "getMetrics",
    summary: "Prometheus metrics",
    description:
      "With METRICS_TOKEN set, requires `Authorization: Bearer <METRICS_TOKEN>`. Without it, production " +
      "answers 404 (metrics off) and other environments serve it openly.",
    security: [{}, { metricsToken: [] }],
    responses: {
      "200": {
        description: "The Prometheus text exposition format.",
        content: { "text/plain": { schema: z.string().meta({ example: "# HELP http_requests_total …" }) } },
      },
      "401": errorResponse("unauthenticated: METRICS_TOKEN is set and the bearer token is not it."),
      "404": errorResponse("not_found: production without METRICS_TOKEN (metrics are off)."),
    },
  });
}

/**
 * GET /api/v1/openapi.json and the Swagger UI page at /docs. Routes are described while the app is
 * built, so the document is built once, on first request, and served from memory after that.
 */
export function docsRoutes(): Router {
  const router = new Router();
  let document: string | null = null;

  router.get(OPENAPI_PATH, (ctx) => {
    document ??= JSON.stringify(buildOpenApiDocument());
    ctx.type = "application/json";
    ctx.body = document;
  });
  describeRoute("get", "/openapi.json", {
    tags: ["docs"],
    operationId: "getOpenApiDocument",
    summary: "This OpenAPI 3.1 document",
    responses: { "200": jsonResponse("The OpenAPI document.", openApiDocumentSchema) },
  });
  describeHealthRoutes();

  router.get("/docs", (ctx) => {
    // Its Content-Security-Policy (Swagger UI's inline styles allowed) comes from securityHeaders.ts.
    ctx.type = "text/html; charset=utf-8";
    ctx.body = PAGE;
  });

  router.get("/docs/assets/:file", (ctx) => {
    const file = ctx.params.file;
    if (file === "init.js") {
      ctx.type = "application/javascript; charset=utf-8";
      ctx.body = INIT_SCRIPT;
      return;
    }
    const type = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined;
    if (!type) throw notFound("file");
    ctx.type = type;
    ctx.set("Cache-Control", "public, max-age=86400");
    ctx.body = createReadStream(join(swaggerDir, file));
  });
  return router;
}
