import Router from "@koa/router";
import type { AppDeps } from "../../deps.js";

/** Register, login, /me, admin login events. */
export function accountRoutes(_deps: AppDeps): Router {
  const router = new Router();
  return router;
}
