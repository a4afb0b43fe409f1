import { useGraphQlJit } from "@envelop/graphql-jit";
import Router from "@koa/router";
import { type DocumentNode, type ExecutionResult, GraphQLError, getOperationAST } from "graphql";
import { createYoga } from "graphql-yoga";
import type { Context } from "koa";
import { config } from "../../shared/config.js";
import type { Actor } from "../../shared/domain/accounts/tokens.js";
import { AppError } from "../../shared/errors.js";
import type { AppDeps } from "../deps.js";
import { requireUser } from "../middlewares/auth.js";
import type { GraphqlContext } from "./builder.js";
import { maskError } from "./errors.js";
import { isSubscription, subscriptionsOverWs } from "./httpSubscriptions.js";
import { documentLimits } from "./limits.js";
import { searchPageOf } from "./queries.js";
import { schema } from "./schema.js";
import {
  answerKey,
  keepAnswer,
  keptAnswer,
  knownSearchArguments,
  rememberSearchArguments,
  searchArguments,
  searchOnlyField,
} from "./searchAnswers.js";
import { MULTIPART_MAX_BYTES, refuseUploadEarly, uploadFetchApi, uploadLimits } from "./upload.js";

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

type Yoga = ReturnType<typeof createYoga<{ koa: Context; auth: Auth }, GraphqlContext>>;
type Auth = { actor: Actor | null; authError: AppError | null };

interface PlainRequest {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

function isPlainRequest(body: unknown): body is PlainRequest {
  if (!body || typeof body !== "object" || Array.isArray(body)) return false;
  const { query, variables, operationName } = body as Record<string, unknown>;
  return (
    typeof query === "string" &&
    (variables == null || (typeof variables === "object" && !Array.isArray(variables))) &&
    (operationName == null || typeof operationName === "string")
  );
}

/**
 * The common case (a JSON POST of one query or mutation) run through yoga's own envelop pipeline
 * (`yoga.getEnveloped`, the documented entry for integrations: its parse and validation caches, its
 * plugins, its context), answered by Koa directly. Why: yoga's fetch-API adapter (a Request and a
 * streamed Response per request) cost as much as the whole REST search did (bench:graphql). Anything
 * else (GET, GraphiQL, a subscription over SSE, a malformed body) goes to yoga itself. Returns false then.
 */
async function executePlainRequest(yoga: Yoga, ctx: Context, auth: Auth, deps: AppDeps): Promise<boolean> {
  const body = ctx.request.body;
  if (!isPlainRequest(body)) return false;
  // One key for this text, operation and variables (searchAnswers.ts). Seen before as a search-only
  // query: its page's arguments are known, and its kept answer, if any, goes out before anything else.
  const key = answerKey(body.query, body.operationName, body.variables);
  const known = knownSearchArguments(key);
  let page = known ? await keptSearchAnswer(ctx, deps, known, key) : null;
  if (page === true) return true;
  const { parse, validate, contextFactory, execute, schema: enveloped } = yoga.getEnveloped({ koa: ctx, auth });
  const send = (status: number, text: string) => {
    ctx.status = status;
    ctx.type = "application/json";
    ctx.body = text;
    return true;
  };
  const render = (result: ExecutionResult & { stringify?: (r: ExecutionResult) => string }) =>
    result.errors
      ? JSON.stringify({ ...result, errors: result.errors.map((e) => maskError(e)), stringify: undefined })
      : // graphql-jit's serializer, compiled for the operation's shape, when there is no error to shape.
        (result.stringify?.(result) ?? JSON.stringify(result));
  const answer = (status: number, result: ExecutionResult) => send(status, render(result));
  let document: DocumentNode;
  try {
    document = parse(body.query);
  } catch (err) {
    return answer(400, { errors: [err as GraphQLError] });
  }
  const errors = validate(enveloped, document);
  if (errors.length) return answer(400, { errors });
  const operation = getOperationAST(document, body.operationName ?? undefined);
  if (!operation) return false; // yoga answers with its own error (no such operationName)
  if (operation.operation === "subscription") {
    const error = subscriptionsOverWs();
    return answer(400, { errors: [new GraphQLError(error.message, { extensions: { code: error.code } })] });
  }
  // A query that reads the search page only: its answer kept with the page it came from, if the
  // search cache still serves that page (searchAnswers.ts). Any doubt (bad variables, a search error)
  // runs it as usual, and its errors are the ones it answers with.
  const searchField = searchOnlyField(enveloped, document, operation);
  if (searchField && !known) {
    let args: Record<string, unknown> | null = null;
    try {
      args = searchArguments(enveloped, searchField, body.variables ?? undefined);
    } catch {
      // Bad variables: the query runs as usual and answers with their errors.
    }
    if (args) {
      rememberSearchArguments(key, args);
      page = await keptSearchAnswer(ctx, deps, args, key);
      if (page === true) return true;
    }
  }
  const contextValue = (await contextFactory()) as GraphqlContext;
  // The page just read, for the `listings` resolver: a search-only query's one root field, with the
  // very arguments it was read for.
  if (searchField && page) contextValue.searchPage = page;
  const result = (await execute({
    schema: enveloped,
    document,
    variableValues: body.variables ?? undefined,
    operationName: body.operationName ?? undefined,
    contextValue,
  })) as ExecutionResult;
  const text = render(result);
  if (searchField && !result.errors && Buffer.isBuffer(contextValue.searchPage))
    keepAnswer(contextValue.searchPage, key, text);
  return send(200, text);
}

/**
 * Answers a search-only query with the answer kept under `key` (its text, operation and variables)
 * beside the cached page its arguments read, if the search cache still serves that page: true then.
 * Otherwise the page it read (the resolver's, so it is not read twice), or null if the read failed:
 * the query then runs as usual, and its errors are the ones it answers with.
 */
async function keptSearchAnswer(
  ctx: Context,
  deps: AppDeps,
  args: Record<string, unknown>,
  key: string,
): Promise<true | Buffer | string | null> {
  const page = await Promise.resolve()
    .then(() => searchPageOf(deps, args))
    .catch(() => null);
  const kept = Buffer.isBuffer(page) ? keptAnswer(page, key) : undefined;
  if (kept === undefined) return page;
  ctx.status = 200;
  ctx.type = "application/json";
  ctx.body = kept;
  return true;
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
    // Loaded on first use: the page inlines ~9 MB of GraphiQL, which production never serves.
    renderGraphiQL: async (options) => (await import("@graphql-yoga/render-graphiql")).renderGraphiQL(options),
    // Multipart (addPhoto): busboy's limits on the file and fields, and a cap on the whole body for
    // one that streams on without declaring its length (upload.ts). JSON bodies were read by jsonBody.
    fetchAPI: uploadFetchApi(),
    maxRequestBodySize: MULTIPART_MAX_BYTES,
    // Operations compiled to JavaScript once (graphql-jit) and cached: a page of listings is ~400 fields.
    plugins: [documentLimits(), uploadLimits(), useGraphQlJit()],
    context: ({ koa, auth }) => ({ deps, actor: auth.actor, authError: auth.authError, http: koa }),
  });
  const router = new Router();
  router.all(GRAPHQL_PATH, async (ctx) => {
    const auth = await authenticate(ctx);
    if (ctx.method === "POST" && (await executePlainRequest(yoga, ctx, auth, deps))) return;
    if (refuseUploadEarly(ctx, auth)) return;
    // An upload's answer is one JSON result: never a stream (server-sent events, multipart/mixed), which
    // only a subscription or incremental delivery would need, and those do not go over HTTP here.
    if (
      ctx.method === "POST" &&
      ctx.is("multipart/form-data") &&
      /text\/event-stream|multipart\/mixed/i.test(ctx.get("accept"))
    )
      ctx.req.headers.accept = "application/json";
    if (ctx.method === "GET" && isSubscription(ctx.query.query, ctx.query.operationName)) {
      ctx.status = 400;
      ctx.type = "application/json";
      ctx.body = JSON.stringify({ errors: [maskError(subscriptionsOverWs())] });
      return;
    }
    // The body was parsed (and size- and depth-limited) by jsonBody(): yoga reads it from ctx.request.
    // A multipart one (an upload) jsonBody left unread: yoga parses it from the request stream.
    const response = await yoga.handleNodeRequestAndResponse(ctx.request, ctx.res, { koa: ctx, auth });
    ctx.status = response.status;
    response.headers.forEach((value, key) => {
      ctx.append(key, value);
    });
    ctx.body = response.body;
  });
  return router;
}
