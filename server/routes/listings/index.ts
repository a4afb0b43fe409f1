import Router from "@koa/router";
import type { AppDeps } from "../../deps.js";

/** Listings: CRUD, search, availability, reviews of a listing. */
export function listingRoutes(_deps: AppDeps): Router {
  const router = new Router();
  return router;
}
