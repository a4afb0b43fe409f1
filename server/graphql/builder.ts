import SchemaBuilder from "@pothos/core";
import ComplexityPlugin from "@pothos/plugin-complexity";
import DataloaderPlugin from "@pothos/plugin-dataloader";
import ZodPlugin from "@pothos/plugin-zod";
import type { Context as KoaContext } from "koa";
import { config } from "../../shared/config.js";
import type { Actor } from "../../shared/domain/accounts/tokens.js";
import { zodDetails } from "../../shared/domain/commands/execute.js";
import { AppError, unauthenticated, validationFailed } from "../../shared/errors.js";
import type { AppDeps } from "../deps.js";
import type { EventFeed } from "./eventFeed.js";

/** What every resolver gets: the app's connections, who is asking, and how they reached us. */
export interface GraphqlContext {
  deps: AppDeps;
  /** The signed-in user (bearer token, or `connectionParams.token` on a subscription), or null. */
  actor: Actor | null;
  /** Why a token that was sent was refused (401 unauthenticated on REST): fields that need a user throw it. */
  authError: AppError | null;
  /** The Koa context of an HTTP request (rate limits read its IP and user); null on a WebSocket. */
  http: KoaContext | null;
  /** Subscriptions (graphql-ws): the events this instance learns of, and when the token expires (seconds). */
  feed?: EventFeed;
  tokenExp?: number;
  /** The cached search page the `listings` field answered from (searchAnswers.ts keeps answers by it). */
  searchPage?: Buffer | string;
}

/** The signed-in Actor, or the REST door's 401 (unauthenticated), as a GraphQL error. */
export function actorOf(ctx: GraphqlContext): Actor {
  if (ctx.actor) return ctx.actor;
  throw ctx.authError ?? unauthenticated("A valid bearer token is required.");
}

interface Measured {
  complexity: number;
  depth: number;
  breadth: number;
  maxComplexity?: number;
  maxDepth?: number;
  maxBreadth?: number;
}

/** A query over a limit, refused before any resolver runs, says which limit and by how much. */
function limitError(kind: string, m: Measured): AppError {
  if (kind === "Depth")
    return new AppError(
      "query_too_deep",
      400,
      `The query is ${m.depth} levels deep; at most ${m.maxDepth} are allowed.`,
    );
  if (kind === "Breadth")
    return new AppError("query_too_complex", 400, `The query selects ${m.breadth} fields; at most ${m.maxBreadth}.`);
  return new AppError(
    "query_too_complex",
    400,
    `The query costs ${m.complexity}; at most ${m.maxComplexity} is allowed.`,
  );
}

/**
 * The code-first schema's builder. Plugins: zod (mutation inputs are parsed by the same zod schemas
 * as the REST bodies, before the resolver runs; their issues become 400 validation_failed details
 * named as REST names them), dataloader (every relation is batched per request), complexity (depth
 * and cost are checked before any resolver runs).
 */
export const builder = new SchemaBuilder<{
  Context: GraphqlContext;
  Scalars: {
    JSON: { Input: unknown; Output: unknown };
    /** An uploaded file (upload.ts): yoga puts a multipart request's file parts into the variables. */
    File: { Input: File; Output: never };
  };
  DefaultFieldNullability: false;
}>({
  // Fields are non-null unless they say otherwise (as the REST views: nullable fields are marked there).
  defaultFieldNullability: false,
  plugins: [ZodPlugin, DataloaderPlugin, ComplexityPlugin],
  zod: {
    // The arg's name is GraphQL's wrapping ("input.checkIn"): details name the field as REST does.
    validationError: (error) =>
      validationFailed(
        zodDetails(error).map((d) => ({ ...d, path: d.path.split(".").slice(1).join(".") || "(body)" })),
      ),
  },
  complexity: {
    defaultComplexity: 1,
    defaultListMultiplier: 10,
    limit: { complexity: config.GRAPHQL_MAX_COST, depth: config.GRAPHQL_MAX_DEPTH, breadth: config.GRAPHQL_MAX_COST },
    complexityError: (kind, result) => limitError(kind, result),
  },
});

builder.scalarType("JSON", {
  description: "Any JSON value (an event's data, as the Socket.IO event carries it).",
  serialize: (value) => value,
  parseValue: (value) => value,
});

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});
