import Router from "@koa/router";
import type { AppDeps } from "../../deps.js";

/** Admin: failed jobs and re-running them. */
export function adminJobRoutes(_deps: AppDeps): Router {
  const router = new Router();
  return router;
}
