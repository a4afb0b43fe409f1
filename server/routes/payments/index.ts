import Router from "@koa/router";
import type { AppDeps } from "../../deps.js";

/** Payments: start a Chapa checkout, read, the return redirect, the Chapa webhook. */
export function paymentRoutes(_deps: AppDeps): Router {
  const router = new Router();
  return router;
}
