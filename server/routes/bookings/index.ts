import Router from "@koa/router";
import { config } from "../../../shared/config.js";
import { cancelBooking } from "../../../shared/domain/bookings/cancelBooking.js";
import { createBooking } from "../../../shared/domain/bookings/createBooking.js";
import { getBooking, listBookings } from "../../../shared/domain/bookings/listBookings.js";
import { createBookingInput, MAX_NIGHTS } from "../../../shared/domain/bookings/stayInput.js";
import type { AppDeps } from "../../deps.js";
import { IDEMPOTENCY_HEADER, idempotent } from "../../middlewares/idempotency.js";
import { byUser, rateLimit, rateLimitedResponse } from "../../middlewares/rateLimit.js";
import { errorResponse, jsonBody, jsonResponse } from "../../openapi.js";
import { presentBooking } from "../../presenters/booking.js";
import { idParam } from "../params.js";
import { route } from "../route.js";
import { addMessageRoutes } from "./messages.js";
import { addBookingReviewRoutes } from "./review.js";
import { bookingIdParams, bookingPage, bookingResponse, idempotencyHeaders, listBookingsQuery } from "./schemas.js";

const tags = ["bookings"];
const security = [{ bearer: [] }];
const unauthenticatedResponse = errorResponse("unauthenticated: no, bad or expired token.");
const notFoundResponse = errorResponse("not_found: no such booking, or not yours to see.");

/** Bookings: create, read, list, cancel; the booking's conversation (messages.ts) and review (review.ts). */
export function bookingRoutes(deps: AppDeps): Router {
  const router = new Router();
  const perUser = rateLimit(deps, {
    name: "bookings-user",
    points: config.RATE_LIMIT_BOOKINGS_PER_USER,
    durationSeconds: 60,
    key: byUser,
  });

  route(router, deps, {
    method: "post",
    path: "/bookings",
    auth: "user",
    use: [perUser, idempotent("bookings.create", deps)],
    command: createBooking,
    status: 201,
    present: (booking) => ({ booking: presentBooking(booking) }),
    describe: {
      tags,
      security,
      summary: "Hold a listing's dates while the guest pays",
      description:
        `The hold lasts ${config.BOOKING_HOLD_MINUTES} minutes (expiresAt); totalPrice = nights × pricePerNight. ` +
        `checkIn may be today (UTC) or later; stays are 1 to ${MAX_NIGHTS} nights. ` +
        `At most ${config.RATE_LIMIT_BOOKINGS_PER_USER} per user per minute. Send an ${IDEMPOTENCY_HEADER} ` +
        "(one line of text, ≤ 255 chars) to retry safely: the same key and body replay the first response (header " +
        "Idempotent-Replayed: true); a duplicate arriving while the first still runs waits up to 5 s for it. " +
        `Keys are remembered for ${config.IDEMPOTENCY_KEY_TTL_HOURS} hours.`,
      requestParams: { header: idempotencyHeaders },
      requestBody: jsonBody(createBookingInput),
      responses: {
        "201": jsonResponse("The hold, status pending_payment.", bookingResponse),
        "400": errorResponse("validation_failed (details name each field), or invalid_json."),
        "401": unauthenticatedResponse,
        "403": errorResponse("forbidden: hosts cannot book their own listing."),
        "404": errorResponse("not_found: no such listing, or it is archived."),
        "409": errorResponse(
          "dates_unavailable: another booking holds overlapping dates; idempotency_conflict: key reused " +
            "with another body, or its first request is still running.",
        ),
        "429": rateLimitedResponse,
      },
    },
  });

  route(router, deps, {
    method: "get",
    path: "/bookings",
    auth: "user",
    query: listBookings,
    present: (page) => ({ data: page.data.map(presentBooking), nextCursor: page.nextCursor }),
    describe: {
      tags,
      security,
      summary: "Your bookings, newest first",
      requestParams: { query: listBookingsQuery },
      responses: {
        "200": jsonResponse("One page.", bookingPage),
        "400": errorResponse("validation_failed: bad filter, limit or cursor."),
        "401": unauthenticatedResponse,
      },
    },
  });

  route(router, deps, {
    method: "get",
    path: "/bookings/:id",
    auth: "user",
    query: getBooking,
    input: (ctx) => ({ bookingId: idParam(ctx, "booking") }),
    present: (booking) => ({ booking: presentBooking(booking) }),
    describe: {
      tags,
      security,
      summary: "One booking (its guest, its listing's host, or an admin)",
      requestParams: { path: bookingIdParams },
      responses: {
        "200": jsonResponse("The booking.", bookingResponse),
        "401": unauthenticatedResponse,
        "404": notFoundResponse,
      },
    },
  });

  route(router, deps, {
    method: "post",
    path: "/bookings/:id/cancel",
    auth: "user",
    command: cancelBooking,
    input: (ctx) => ({ bookingId: idParam(ctx, "booking") }),
    present: (booking) => ({ booking: presentBooking(booking) }),
    describe: {
      tags,
      security,
      summary: "Cancel a held or confirmed booking (guest, host or admin)",
      description:
        "The dates free up at once. A paid booking's payment is refunded (refund requested now, done by the worker).",
      requestParams: { path: bookingIdParams },
      responses: {
        "200": jsonResponse("The booking, status cancelled.", bookingResponse),
        "401": unauthenticatedResponse,
        "404": notFoundResponse,
        "409": errorResponse("invalid_transition: the booking is already cancelled, expired or completed."),
      },
    },
  });

  addMessageRoutes(router, deps);
  addBookingReviewRoutes(router, deps);
  return router;
}
