import type Router from "@koa/router";
import Koa from "koa";
import { config } from "../shared/config.js";
import type { AppDeps } from "./deps.js";
import { graphqlRoutes } from "./graphql/http.js";
import { GRAPHQL_MULTIPART_PATH } from "./graphql/upload.js";
import { httpMetrics } from "./metrics.js";
import { errorHandler } from "./middlewares/errorHandler.js";
import { jsonBody } from "./middlewares/jsonBody.js";
import { PHOTO_UPLOAD_PATH } from "./middlewares/photoUpload.js";
import { requestContext } from "./middlewares/requestContext.js";
import { securityHeaders } from "./middlewares/securityHeaders.js";
import { clientRoutes } from "./routes/client.js";
import { docsRoutes } from "./routes/docs.js";
import { healthRoutes } from "./routes/health.js";
import { icalFeedRoutes } from "./routes/icalFeed.js";
import { apiRoutes } from "./routes/index.js";
import { mediaRoutes } from "./routes/media.js";

/** The whole HTTP app, without listening: main.ts serves it, tests drive it over real HTTP. */
export function buildApp(deps: AppDeps, options: { extraRoutes?: Router } = {}): Koa {
  // Behind TRUST_PROXY_HOPS proxies of ours, only that many X-Forwarded-For entries from the right are
  // theirs; anything further left was written by the client and must not become ctx.ip.
  const app = new Koa({ proxy: config.TRUST_PROXY, maxIpsCount: config.TRUST_PROXY_HOPS });
  app.silent = true;
  app.context.orm = deps.orm; // requireUser re-checks admin tokens against the account (auth.ts)
  app.context.redis = deps.redis; // and every token's version (tokenVersions.ts)
  const health = healthRoutes(deps);
  const api = apiRoutes(deps);
  app.use(requestContext());
  app.use(httpMetrics());
  app.use(securityHeaders()); // outside errorHandler: error answers get the headers too
  app.use(errorHandler());
  // Multipart only where an upload is parsed with its own limits: REST's photo route and /graphql (addPhoto).
  app.use(jsonBody({ multipartPaths: [PHOTO_UPLOAD_PATH, GRAPHQL_MULTIPART_PATH] }));
  app.use(health.routes());
  app.use(icalFeedRoutes(deps).routes());
  app.use(docsRoutes().routes());
  app.use(graphqlRoutes(deps).routes()); // POST /graphql: the same commands, another door (server/graphql)
  app.use(mediaRoutes(deps.storage ? () => deps.storage! : undefined).routes());
  app.use(api.routes());
  // Not `throw: true`: it acts once everything after it left the request unanswered, then sets
  // 405 and Allow for a path known with other methods; errorHandler gives that (and a plain 404) the JSON body.
  app.use(api.allowedMethods());
  app.use(clientRoutes().routes()); // the browser client at `/` (only its own file names; the rest falls through)
  // Tests mount routes of their own here (e.g. one that throws) to drive the real middleware chain.
  if (options.extraRoutes) app.use(options.extraRoutes.routes());
  return app;
}
