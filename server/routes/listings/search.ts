import Router from "@koa/router";
import { z } from "zod";
import { getAvailability } from "../../../shared/domain/listings/getAvailability.js";
import { availabilityQuerySchema, searchQuerySchema } from "../../../shared/domain/listings/schemas.js";
import type { SearchPage } from "../../../shared/domain/listings/search.js";
import { searchListingsCached } from "../../../shared/domain/listings/searchListingsCached.js";
import type { AppDeps } from "../../deps.js";
import { errorResponse, jsonResponse } from "../../openapi.js";
import { listingPageSchema, presentListing } from "../../presenters/listing.js";
import { idParam, idPathParams } from "../params.js";
import { route } from "../route.js";

/** The REST page of a search, as cached (GraphQL reads the same cached bytes). */
export const renderSearchPage = (page: SearchPage) =>
  JSON.stringify({ data: page.listings.map(presentListing), nextCursor: page.nextCursor });

const availabilitySchema = z
  .object({ blocked: z.array(z.object({ checkIn: z.string(), checkOut: z.string() })) })
  .meta({ id: "Availability" });

/** Search (cached) and a listing's blocked dates. */
export function searchRoutes(deps: AppDeps): Router {
  const router = new Router();

  route(
    router,
    { ...deps, renderSearchPage },
    {
      method: "get",
      path: "/listings",
      auth: "none",
      query: searchListingsCached,
      present: ({ body, hit }, ctx) => {
        ctx.set("X-Cache", hit ? "hit" : "miss");
        ctx.type = "application/json";
        return body;
      },
      describe: {
        summary: "Search active listings",
        description:
          "City and country match case-insensitively and exactly. With checkIn and checkOut (both or neither, checkOut after " +
          "checkIn) only listings with no confirmed booking or live hold overlapping [checkIn, checkOut) are returned; stays " +
          "that only touch do not conflict. Listings whose host blocked any of those nights are left out too. Newest first; " +
          "pass nextCursor back as cursor for the next page. Answers are cached (X-Cache: hit|miss) but never outlive a " +
          "booking, cancellation, expiry, calendar block or listing change.",
        requestParams: { query: searchQuerySchema },
        responses: {
          200: jsonResponse("One page of listings.", listingPageSchema),
          400: errorResponse("validation_failed: a bad filter, limit or cursor."),
        },
      },
    },
  );

  route(router, deps, {
    method: "get",
    path: "/listings/:id/availability",
    auth: "none",
    query: getAvailability,
    input: (ctx) => ({ ...ctx.query, listingId: idParam(ctx, "listing") }),
    present: (blocked) => ({ blocked }),
    describe: {
      summary: "Blocked stays of a listing",
      description:
        "Confirmed bookings, holds and requests not yet expired, and the host's calendar blocks, optionally only those " +
        "overlapping [from, to); one entry per booking or block (not merged, a block is not told apart), by check-in.",
      requestParams: { path: idPathParams, query: availabilityQuerySchema },
      responses: {
        200: jsonResponse("The blocked stays, by check-in.", availabilitySchema),
        400: errorResponse("validation_failed: from/to not real dates, or to not after from."),
        404: errorResponse("not_found: unknown listing."),
      },
    },
  });

  return router;
}
