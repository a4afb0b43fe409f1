import Router from "@koa/router";
import type { Actor } from "../../../shared/domain/accounts/tokens.js";
import { pageQuerySchema } from "../../../shared/domain/listings/schemas.js";
import { createReview } from "../../../shared/domain/reviews/createReview.js";
import { listReviews } from "../../../shared/domain/reviews/listReviews.js";
import { reviewInputSchema } from "../../../shared/domain/reviews/schemas.js";
import type { AppDeps } from "../../deps.js";
import { requireUser } from "../../middlewares/auth.js";
import { describeRoute, errorResponse, jsonBody, jsonResponse } from "../../openapi.js";
import { presentReview, reviewPageSchema, reviewResponseSchema } from "../../presenters/review.js";
import { parse } from "../../validate.js";
import { idParam, idPathParams } from "../params.js";

/**
 * Reviews: a listing's reviews, and reviewing a stay. POST /bookings/:id/review lives here, with
 * the rest of the review code, rather than in the bookings module.
 */
export function reviewRoutes(deps: AppDeps): Router {
  const router = new Router();

  describeRoute("get", "/listings/:id/reviews", {
    summary: "A listing's reviews, newest first",
    requestParams: { path: idPathParams, query: pageQuerySchema },
    responses: {
      200: jsonResponse("One page of reviews.", reviewPageSchema),
      400: errorResponse("validation_failed: bad limit or cursor."),
      404: errorResponse("not_found: unknown listing."),
    },
  });
  router.get("/listings/:id/reviews", async (ctx) => {
    const id = idParam(ctx, "listing");
    const page = parse(pageQuerySchema, ctx.query);
    const { reviews, nextCursor } = await listReviews(deps.orm.em.fork(), id, page);
    ctx.body = { data: reviews.map(presentReview), nextCursor };
  });

  describeRoute("post", "/bookings/:id/review", {
    summary: "Review a completed stay (its guest, once)",
    description:
      "Only the guest of the booking, once it is completed. A booking the caller may not see is 404; its host or an " +
      "admin get 403; the guest of a stay not completed yet gets 409 invalid_transition; a second review of the same " +
      "stay is 409 already_reviewed. The listing's ratingAverage and reviewCount include it at once.",
    security: [{ bearer: [] }],
    requestParams: { path: idPathParams },
    requestBody: jsonBody(reviewInputSchema),
    responses: {
      201: jsonResponse("The review.", reviewResponseSchema),
      400: errorResponse("validation_failed: rating not an integer 1-5, comment empty or over 2000 characters."),
      401: errorResponse("unauthenticated"),
      403: errorResponse("forbidden: the host of the stay or an admin."),
      404: errorResponse("not_found: unknown booking, or someone else's."),
      409: errorResponse("invalid_transition (stay not completed) or already_reviewed."),
    },
  });
  router.post("/bookings/:id/review", requireUser, async (ctx) => {
    const bookingId = idParam(ctx, "booking");
    const input = parse(reviewInputSchema, ctx.request.body);
    ctx.status = 201;
    ctx.body = { review: presentReview(await createReview(deps, ctx.state.user as Actor, bookingId, input)) };
  });

  return router;
}
