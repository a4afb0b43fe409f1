import Router from "@koa/router";
import type { AppDeps } from "../../deps.js";
import { addAuthRoutes } from "./auth.js";
import { addLoginEventRoutes } from "./loginEvents.js";

/** Register, login, /me, admin login events. */
export function accountRoutes(deps: AppDeps): Router {
  const router = new Router();
  addAuthRoutes(router, deps);
  addLoginEventRoutes(router, deps);
  return router;
}
