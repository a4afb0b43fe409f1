import { createReadStream } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import Router from "@koa/router";
import { notFound } from "../../shared/errors.js";
import { buildOpenApiDocument, describeRoute, jsonResponse } from "../openapi.js";

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
    summary: "This OpenAPI 3.1 document",
    responses: { "200": jsonResponse("The OpenAPI document.") },
  });

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
