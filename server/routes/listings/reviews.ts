import type Router from "@koa/router";
import { pageQuerySchema } from "../../../shared/domain/listings/schemas.js";
import { listReviews } from "../../../shared/domain/reviews/listReviews.js";
import type { AppDeps } from "../../deps.js";
import { errorResponse, jsonResponse } from "../../openapi.js";
import { presentReview, reviewPageSchema } from "../../presenters/review.js";
import { idParam, idPathParams } from "../params.js";
import { route } from "../route.js";

/** GET /listings/:id/reviews: a listing's reviews (writing one is a booking's: bookings/review.ts). */
export function addListingReviewRoutes(router: Router, deps: AppDeps): void {
  route(router, deps, {
    method: "get",
    path: "/listings/:id/reviews",
    auth: "none",
    query: listReviews,
    input: (ctx) => ({ ...ctx.query, listingId: idParam(ctx, "listing") }),
    present: (page) => ({ data: page.data.map(presentReview), nextCursor: page.nextCursor }),
    describe: {
      summary: "A listing's reviews, newest first",
      requestParams: { path: idPathParams, query: pageQuerySchema },
      responses: {
        200: jsonResponse("One page of reviews.", reviewPageSchema),
        400: errorResponse("validation_failed: bad limit or cursor."),
        404: errorResponse("not_found: unknown listing."),
      },
    },
  });
}
