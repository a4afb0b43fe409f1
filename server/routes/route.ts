import type Router from "@koa/router";
import type { RouterContext, RouterMiddleware } from "@koa/router";
import type { Middleware } from "koa";
import type { ZodOpenApiOperationObject } from "zod-openapi";
import type { Actor } from "../../shared/domain/accounts/tokens.js";
import type { ActorOf, Command, Query } from "../../shared/domain/commands/define.js";
import { execute, query } from "../../shared/domain/commands/execute.js";
import type { DatabaseDeps } from "../../shared/domain/deps.js";
import { validationFailed } from "../../shared/errors.js";
import { actorOf, requireRole, requireUser } from "../middlewares/auth.js";
import { describeRoute } from "../openapi.js";

/** Who may call a route: a signed-in user, an admin, or anyone (the handler then gets no actor). */
export type RouteAuth = "user" | "admin" | "none";
type ActorFor<A extends RouteAuth> = A extends "none" ? null : Actor;
/** Which commands a route may run: user routes run user commands, public ones system commands. */
type RunByFor<A extends RouteAuth> = A extends "none" ? "system" : "user";

type Method = "get" | "post" | "patch" | "put" | "delete";

/** How a route gets to its result: one command, one query, or (webhooks, health) its own handler. */
type Work<A extends RouteAuth, R, D extends DatabaseDeps> =
  | { command: Command<any, R, RunByFor<A>, D>; input?: (ctx: RouterContext) => unknown }
  | { query: Query<any, R, RunByFor<A>, D>; input?: (ctx: RouterContext) => unknown }
  | { handle: (call: { ctx: RouterContext; actor: ActorFor<A> }) => Promise<R> };

export type RouteSpec<A extends RouteAuth, R, D extends DatabaseDeps> = Work<A, R, D> & {
  method: Method;
  /** The Koa path (":id" style), written once: registered and described from here. */
  path: string;
  auth: A;
  /** Middlewares after authentication, in order (rate limits, idempotency). */
  use?: Middleware[];
  /** The OpenAPI operation (summary, description, parameters, body, responses). */
  describe: ZodOpenApiOperationObject;
  /** The success status (default 200), or a function of the result. */
  status?: number | ((result: R) => number);
  /** The response body from the result (default: the result itself); may set headers on ctx. */
  present?: (result: R, ctx: RouterContext) => unknown;
};

const AUTH: Record<RouteAuth, Middleware[]> = {
  user: [requireUser],
  admin: [requireUser, requireRole("admin")],
  none: [],
};

/**
 * Declares one route: registers it on `router`, describes it for OpenAPI, authenticates, runs the
 * middlewares it is given, executes its command or query (input: by default the body, or the query
 * string for GET), and presents the result. The one way routes are written.
 */
export function route<A extends RouteAuth, R, D extends DatabaseDeps>(
  router: Router,
  deps: D,
  spec: RouteSpec<A, R, D>,
): void {
  describeRoute(spec.method, spec.path, spec.describe);
  const readsQuery = spec.method === "get" || spec.method === "delete";
  const inputOf = (ctx: RouterContext) =>
    "input" in spec && spec.input ? spec.input(ctx) : readsQuery ? ctx.query : ctx.request.body;
  const handler: RouterMiddleware = async (ctx) => {
    // ActorFor<A> and ActorOf<RunByFor<A>> are the same type; TypeScript cannot see it through A.
    const actor = (spec.auth === "none" ? null : actorOf(ctx)) as ActorFor<A> & ActorOf<RunByFor<A>>;
    let result: R;
    if ("command" in spec) result = await execute(spec.command, { actor, input: inputOf(ctx) }, deps);
    else if ("query" in spec) result = await query(spec.query, { actor, input: inputOf(ctx) }, deps);
    else result = await spec.handle({ ctx, actor });
    ctx.status = typeof spec.status === "function" ? spec.status(result) : (spec.status ?? 200);
    const body = spec.present ? spec.present(result, ctx) : result;
    if (body !== undefined) ctx.body = body;
  };
  router[spec.method](spec.path, ...AUTH[spec.auth], ...(spec.use ?? []), handler);
}

/**
 * A JSON body with the route's path ids added (`{ ...body, bookingId }`), for a command whose input
 * is both. A body that itself names such a key is refused as a strict schema would refuse it, so a
 * body can never stand in for the path.
 */
export function bodyWith(ctx: RouterContext, ids: Record<string, string>): Record<string, unknown> {
  const body = (ctx.request.body ?? {}) as Record<string, unknown>;
  const clash = Object.keys(ids).filter((key) => Object.hasOwn(body, key));
  if (clash.length)
    throw validationFailed(clash.map((key) => ({ path: "(body)", message: `Unrecognized key: "${key}"` })));
  return { ...body, ...ids };
}
