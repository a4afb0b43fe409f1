import type Router from "@koa/router";
import { createReview } from "../../../shared/domain/reviews/createReview.js";
import { reviewInputSchema } from "../../../shared/domain/reviews/schemas.js";
import type { AppDeps } from "../../deps.js";
import { errorResponse, jsonBody, jsonResponse } from "../../openapi.js";
import { presentReview, reviewResponseSchema } from "../../presenters/review.js";
import { idParam, idPathParams } from "../params.js";
import { bodyWith, route } from "../route.js";

/** POST /bookings/:id/review: the guest reviews a completed stay (GET /listings/:id/reviews reads them). */
export function addBookingReviewRoutes(router: Router, deps: AppDeps): void {
  route(router, deps, {
    method: "post",
    path: "/bookings/:id/review",
    auth: "user",
    command: createReview,
    input: (ctx) => bodyWith(ctx, { bookingId: idParam(ctx, "booking") }),
    status: 201,
    present: (review) => ({ review: presentReview(review) }),
    describe: {
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
    },
  });
}
