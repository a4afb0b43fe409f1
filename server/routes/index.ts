import Router from "@koa/router";
import type { AppDeps } from "../deps.js";
import { accountRoutes } from "./accounts/index.js";
import { adminJobRoutes } from "./admin/jobs.js";
import { adminOpsRoutes } from "./admin/ops.js";
import { adminSecurityRoutes } from "./admin/security.js";
import { bookingRoutes } from "./bookings/index.js";
import { listingRoutes } from "./listings/index.js";
import { notificationRoutes } from "./notifications/index.js";
import { paymentRoutes } from "./payments/index.js";

/** Every /api/v1 route module, mounted in one place. */
export function apiRoutes(deps: AppDeps): Router {
  const api = new Router({ prefix: "/api/v1" });
  for (const routes of [
    accountRoutes(deps),
    listingRoutes(deps),
    bookingRoutes(deps),
    paymentRoutes(deps),
    notificationRoutes(deps),
    adminJobRoutes(deps),
    adminSecurityRoutes(deps),
    adminOpsRoutes(deps),
  ]) {
    // 405 for the whole API is answered once, by app.ts's api.allowedMethods().
    api.use(routes.routes());
  }
  return api;
}
