import Router from "@koa/router";
import type { Actor } from "../../../shared/domain/accounts/tokens.js";
import { archiveListing } from "../../../shared/domain/listings/archiveListing.js";
import { createListing } from "../../../shared/domain/listings/createListing.js";
import { assertMayCreateListing } from "../../../shared/domain/listings/policy.js";
import { listingInputSchema, listingPatchSchema } from "../../../shared/domain/listings/schemas.js";
import { updateListing } from "../../../shared/domain/listings/updateListing.js";
import { loadListingView } from "../../../shared/domain/listings/view.js";
import { notFound } from "../../../shared/errors.js";
import type { AppDeps } from "../../deps.js";
import { requireUser } from "../../middlewares/auth.js";
import { describeRoute, errorResponse, jsonBody, jsonResponse } from "../../openapi.js";
import { listingResponseSchema, presentListing } from "../../presenters/listing.js";
import { parse } from "../../validate.js";
import { idParam, idPathParams } from "../params.js";
import { addListingReviewRoutes } from "./reviews.js";
import { searchRoutes } from "./search.js";

const bearer = [{ bearer: [] }];
const notFoundResponse = errorResponse("not_found: unknown listing (or an id that is not a UUID).");
const unauthenticatedResponse = errorResponse("unauthenticated: no or bad bearer token.");

/**
 * Listings: create, read, update, archive, plus search and availability (search.ts) and a listing's
 * reviews (reviews.ts; reviewing a stay is a booking's route, bookings/review.ts).
 */
export function listingRoutes(deps: AppDeps): Router {
  const router = new Router();
  const em = () => deps.orm.em.fork();

  describeRoute("post", "/listings", {
    summary: "List a place (hosts and admins)",
    security: bearer,
    requestBody: jsonBody(listingInputSchema),
    responses: {
      201: jsonResponse("The new listing, active and searchable at once.", listingResponseSchema),
      400: errorResponse("validation_failed (unknown fields are refused) or invalid_json."),
      401: unauthenticatedResponse,
      403: errorResponse("forbidden: guests cannot list places."),
    },
  });
  router.post("/listings", requireUser, async (ctx) => {
    const actor = ctx.state.user as Actor;
    // Before validation: a guest is told they may not list, not how to fix a body they cannot use.
    assertMayCreateListing(actor);
    const input = parse(listingInputSchema, ctx.request.body);
    ctx.status = 201;
    ctx.body = { listing: presentListing(await createListing(deps, actor, input)) };
  });

  describeRoute("get", "/listings/:id", {
    summary: "Read a listing (archived ones too, with status archived)",
    requestParams: { path: idPathParams },
    responses: { 200: jsonResponse("The listing.", listingResponseSchema), 404: notFoundResponse },
  });
  router.get("/listings/:id", async (ctx) => {
    const listing = await loadListingView(em(), idParam(ctx, "listing"));
    if (!listing) throw notFound("listing");
    ctx.body = { listing: presentListing(listing) };
  });

  describeRoute("patch", "/listings/:id", {
    summary: "Change some fields of a listing (its host or an admin)",
    description:
      "Same rules as creation for each field sent; at least one field. Other users get 403 (listings are public).",
    security: bearer,
    requestParams: { path: idPathParams },
    requestBody: jsonBody(listingPatchSchema),
    responses: {
      200: jsonResponse("The updated listing.", listingResponseSchema),
      400: errorResponse("validation_failed: a bad field, an unknown field, or an empty body."),
      401: unauthenticatedResponse,
      403: errorResponse("forbidden: not the listing's host nor an admin."),
      404: notFoundResponse,
    },
  });
  router.patch("/listings/:id", requireUser, async (ctx) => {
    const id = idParam(ctx, "listing");
    const patch = parse(listingPatchSchema, ctx.request.body ?? {});
    ctx.body = { listing: presentListing(await updateListing(deps, ctx.state.user as Actor, id, patch)) };
  });

  describeRoute("delete", "/listings/:id", {
    summary: "Archive a listing (its host or an admin)",
    description:
      "The listing leaves search and cannot be booked; it stays readable by id. Existing bookings are kept. Archiving again is a no-op.",
    security: bearer,
    requestParams: { path: idPathParams },
    responses: {
      204: jsonResponse("Archived."),
      401: unauthenticatedResponse,
      403: errorResponse("forbidden: not the listing's host nor an admin."),
      404: notFoundResponse,
    },
  });
  router.delete("/listings/:id", requireUser, async (ctx) => {
    await archiveListing(deps, ctx.state.user as Actor, idParam(ctx, "listing"));
    ctx.status = 204;
  });

  router.use(searchRoutes(deps).routes());
  addListingReviewRoutes(router, deps);
  return router;
}
