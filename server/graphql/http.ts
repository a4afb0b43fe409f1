import { renderGraphiQL } from "@graphql-yoga/render-graphiql";
import Router from "@koa/router";
import { createYoga } from "graphql-yoga";
import type { Context } from "koa";
import { config } from "../../shared/config.js";
import type { Actor } from "../../shared/domain/accounts/tokens.js";
import { AppError } from "../../shared/errors.js";
import type { AppDeps } from "../deps.js";
import { requireUser } from "../middlewares/auth.js";
import type { GraphqlContext } from "./builder.js";
import { maskError } from "./errors.js";
import { documentLimits } from "./limits.js";
import { schema } from "./schema.js";

export const GRAPHQL_PATH = "/graphql";

/**
 * The bearer token as REST's requireUser checks it (signature, iss/aud/exp, token version, an admin's
 * account). A refused token is kept as the error fields that need a user throw; public fields still
 * answer, as public REST routes ignore the header.
 */
async function authenticate(ctx: Context): Promise<{ actor: Actor | null; authError: AppError | null }> {
  if (!ctx.get("authorization")) return { actor: null, authError: null };
  try {
    await requireUser(ctx, async () => {});
    return { actor: ctx.state.user as Actor, authError: null };
  } catch (err) {
    if (err instanceof AppError) return { actor: null, authError: err };
    throw err;
  }
}

/** POST /graphql (and GET for queries and, outside production, GraphiQL from local assets). */
export function graphqlRoutes(deps: AppDeps): Router {
  const yoga = createYoga<{ koa: Context; auth: { actor: Actor | null; authError: AppError | null } }, GraphqlContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    logging: false,
    landingPage: false,
    maskedErrors: { maskError },
    batching: { limit: config.GRAPHQL_MAX_BATCH },
    // renderGraphiQL inlines GraphiQL's own script and styles (no CDN); none at all in production.
    graphiql: config.NODE_ENV === "production" ? false : { title: "Nexus GraphQL", subscriptionsProtocol: "WS" },
    renderGraphiQL,
    plugins: [documentLimits()],
    context: ({ koa, auth }) => ({ deps, actor: auth.actor, authError: auth.authError, http: koa }),
  });
  const router = new Router();
  router.all(GRAPHQL_PATH, async (ctx) => {
    const auth = await authenticate(ctx);
    // The body was parsed (and size- and depth-limited) by jsonBody(): yoga reads it from ctx.request.
    const response = await yoga.handleNodeRequestAndResponse(ctx.request, ctx.res, { koa: ctx, auth });
    ctx.status = response.status;
    response.headers.forEach((value, key) => {
      ctx.append(key, value);
    });
    ctx.body = response.body;
  });
  return router;
}
