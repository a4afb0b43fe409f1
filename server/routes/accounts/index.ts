import Router from "@koa/router";
import type { AppDeps } from "../../deps.js";
import { addAuthRoutes } from "./auth.js";
import { addLoginEventRoutes } from "./loginEvents.js";
import { addSessionRoutes } from "./sessions.js";

/** Register, login, /me, logout and password change, admin login events. */
export function accountRoutes(deps: AppDeps): Router {
  const router = new Router();
  addAuthRoutes(router, deps);
  addSessionRoutes(router, deps);
  addLoginEventRoutes(router, deps);
  return router;
}
