import Router from "@koa/router";
import { archiveListing } from "../../../shared/domain/listings/archiveListing.js";
import { createListing } from "../../../shared/domain/listings/createListing.js";
import { getListing } from "../../../shared/domain/listings/getListing.js";
import { listingInputSchema, listingPatchSchema } from "../../../shared/domain/listings/schemas.js";
import { updateListing } from "../../../shared/domain/listings/updateListing.js";
import type { AppDeps } from "../../deps.js";
import { errorResponse, jsonBody, jsonResponse } from "../../openapi.js";
import { listingResponseSchema, presentListing } from "../../presenters/listing.js";
import { idParam, idPathParams } from "../params.js";
import { bodyWith, route } from "../route.js";
import { addListingBlockRoutes } from "./blocks.js";
import { addListingCalendarRoutes } from "./calendar.js";
import { addListingPhotoRoutes } from "./photos.js";
import { addListingQuoteRoutes } from "./quote.js";
import { addListingReviewRoutes } from "./reviews.js";
import { searchRoutes } from "./search.js";

const bearer = [{ bearer: [] }];
const notFoundResponse = errorResponse("not_found: unknown listing (or an id that is not a UUID).");
const unauthenticatedResponse = errorResponse("unauthenticated: no or bad bearer token.");

/**
 * Listings: create, read, update, archive, plus search and availability (search.ts) and a listing's
 * reviews (reviews.ts; reviewing a stay is a booking's route, bookings/review.ts) and its host's
 * calendar blocks (blocks.ts).
 */
export function listingRoutes(deps: AppDeps): Router {
  const router = new Router();

  route(router, deps, {
    method: "post",
    path: "/listings",
    auth: "user",
    command: createListing,
    status: 201,
    present: (listing) => ({ listing: presentListing(listing) }),
    describe: {
      summary: "List a place (hosts and admins)",
      security: bearer,
      requestBody: jsonBody(listingInputSchema),
      responses: {
        201: jsonResponse("The new listing, active and searchable at once.", listingResponseSchema),
        400: errorResponse("validation_failed (unknown fields are refused) or invalid_json."),
        401: unauthenticatedResponse,
        403: errorResponse("forbidden: guests cannot list places."),
      },
    },
  });

  route(router, deps, {
    method: "get",
    path: "/listings/:id",
    auth: "none",
    query: getListing,
    input: (ctx) => ({ listingId: idParam(ctx, "listing") }),
    present: (listing) => ({ listing: presentListing(listing) }),
    describe: {
      summary: "Read a listing (archived ones too, with status archived)",
      requestParams: { path: idPathParams },
      responses: { 200: jsonResponse("The listing.", listingResponseSchema), 404: notFoundResponse },
    },
  });

  route(router, deps, {
    method: "patch",
    path: "/listings/:id",
    auth: "user",
    command: updateListing,
    input: (ctx) => bodyWith(ctx, { listingId: idParam(ctx, "listing") }),
    present: (listing) => ({ listing: presentListing(listing) }),
    describe: {
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
    },
  });

  route(router, deps, {
    method: "delete",
    path: "/listings/:id",
    auth: "user",
    command: archiveListing,
    input: (ctx) => ({ listingId: idParam(ctx, "listing") }),
    status: 204,
    present: () => undefined,
    describe: {
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
    },
  });

  router.use(searchRoutes(deps).routes());
  addListingReviewRoutes(router, deps);
  addListingBlockRoutes(router, deps);
  addListingCalendarRoutes(router, deps);
  addListingQuoteRoutes(router, deps);
  addListingPhotoRoutes(router, deps);
  return router;
}
