/**
 * The document that GET /api/v1/openapi.json serves, built without a database or Redis: route
 * modules describe themselves while their routers are built, and building a router connects nothing.
 */
import type { AppDeps } from "../server/deps.js";
import { buildOpenApiDocument } from "../server/openapi.js";
import { docsRoutes } from "../server/routes/docs.js";
import { icalFeedRoutes } from "../server/routes/icalFeed.js";
import { apiRoutes } from "../server/routes/index.js";

export type OpenApiDocument = ReturnType<typeof buildOpenApiDocument>;
let built: OpenApiDocument | null = null;

export function openApiDocument(): OpenApiDocument {
  if (!built) {
    // Only the routers' construction runs here, and it only keeps these handles for later requests.
    const deps = { orm: {}, redis: {}, jobs: {} } as unknown as AppDeps;
    apiRoutes(deps);
    icalFeedRoutes(deps);
    docsRoutes();
    built = buildOpenApiDocument();
  }
  return built;
}
