import Router from "@koa/router";
import type { AppDeps } from "../../deps.js";

/** Bookings: create, read, list, cancel, review, messages. */
export function bookingRoutes(_deps: AppDeps): Router {
  const router = new Router();
  return router;
}
