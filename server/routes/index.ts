import Router from "@koa/router";
import type { AppDeps } from "../deps.js";

/** Every /api/v1 route module, mounted in one place. */
export function apiRoutes(_deps: AppDeps): Router {
  const api = new Router({ prefix: "/api/v1" });
  return api;
}
