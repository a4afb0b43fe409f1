import Router from "@koa/router";
import type { AppDeps } from "../../deps.js";

/** Notifications: the caller's events log and read marks. */
export function notificationRoutes(_deps: AppDeps): Router {
  const router = new Router();
  return router;
}
