import Router from "@koa/router";
import { config } from "../../../shared/config.js";
import { acceptBooking } from "../../../shared/domain/bookings/acceptBooking.js";
import { cancelBooking } from "../../../shared/domain/bookings/cancelBooking.js";
import { POLICY_SUMMARIES } from "../../../shared/domain/bookings/cancellationPolicy.js";
import { cancellationQuote } from "../../../shared/domain/bookings/cancellationQuote.js";
import { createBooking } from "../../../shared/domain/bookings/createBooking.js";
import { declineBooking } from "../../../shared/domain/bookings/declineBooking.js";
import { getBooking, listBookings } from "../../../shared/domain/bookings/listBookings.js";
import { createBookingInput, MAX_NIGHTS } from "../../../shared/domain/bookings/stayInput.js";
import type { AppDeps } from "../../deps.js";
import { IDEMPOTENCY_HEADER, idempotent } from "../../middlewares/idempotency.js";
import { rateLimitedResponse } from "../../middlewares/rateLimit.js";
import { errorResponse, jsonBody, jsonResponse } from "../../openapi.js";
import { presentBooking } from "../../presenters/booking.js";
import { sharedLimits } from "../limits.js";
import { idParam } from "../params.js";
import { bodyWith, route } from "../route.js";
import { addMessageRoutes } from "./messages.js";
import { addBookingReviewRoutes } from "./review.js";
import {
  bookingIdParams,
  bookingPage,
  bookingResponse,
  cancelBody,
  cancellationResponse,
  cancelResponse,
  idempotencyHeaders,
  listBookingsQuery,
} from "./schemas.js";

const tags = ["bookings"];
const security = [{ bearer: [] }];
const unauthenticatedResponse = errorResponse("unauthenticated: no, bad or expired token.");
const notFoundResponse = errorResponse("not_found: no such booking, or not yours to see.");

/** Bookings: create, read, list, cancel; the booking's conversation (messages.ts) and review (review.ts). */
export function bookingRoutes(deps: AppDeps): Router {
  const router = new Router();
  const perUser = sharedLimits(deps).bookingsPerUser;

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
      summary: "Hold a listing's dates while the guest pays, or request to book",
      description:
        `The hold lasts ${config.BOOKING_HOLD_MINUTES} minutes (expiresAt). ` +
        "The booking stores the lines it is priced with (priceLines; totalPrice is their sum), those of GET " +
        "/listings/{id}/quote: with that quote's quoteToken, exactly the quote's lines, whatever the host changed " +
        "since, until the token expires; after that the current price, unless it moved (409 price_changed: ask " +
        "for a new quote); without a token, the listing's price at this moment. " +
        "On a listing whose bookingMode is request, the booking is a request to book instead: status " +
        `pending_approval, holding the dates until the host accepts or declines, or expiresAt (${config.APPROVAL_HOURS} ` +
        "hours) passes and it is declined on its own. " +
        `checkIn may be today (UTC) or later; stays are 1 to ${MAX_NIGHTS} nights, and within the listing's ` +
        "minNights..maxNights. " +
        `A user may have at most ${config.MAX_ACTIVE_HOLDS_PER_USER} unpaid holds plus pending requests at once ` +
        "(paid and lapsed ones do not count). After a user's unpaid hold on a listing ended without payment (it " +
        `expired or was cancelled), they may not hold that listing again for ${config.HOLD_COOLDOWN_MINUTES} ` +
        "minutes, counted from when the hold ended. " +
        `At most ${config.RATE_LIMIT_BOOKINGS_PER_USER} per user per minute. Send an ${IDEMPOTENCY_HEADER} ` +
        "(one line of text, ≤ 255 chars) to retry safely: the same key and body replay the first response (header " +
        "Idempotent-Replayed: true); a duplicate arriving while the first still runs waits up to 5 s for it. " +
        `Keys are remembered for ${config.IDEMPOTENCY_KEY_TTL_HOURS} hours.`,
      requestParams: { header: idempotencyHeaders },
      requestBody: jsonBody(createBookingInput),
      responses: {
        "201": jsonResponse(
          "The hold, status pending_payment; or the request to book, status pending_approval.",
          bookingResponse,
        ),
        "400": errorResponse(
          "validation_failed (details name each field; a stay outside the listing's minNights..maxNights names " +
            "checkOut with the rule), or invalid_json.",
        ),
        "401": unauthenticatedResponse,
        "403": errorResponse("forbidden: hosts cannot book their own listing."),
        "404": errorResponse("not_found: no such listing, or it is archived."),
        "409": errorResponse(
          "dates_unavailable: another booking holds overlapping dates; too_many_holds: the user already has " +
            "the most unpaid holds plus pending requests allowed; hold_cooldown: the user's unpaid hold on this " +
            "listing ended too recently (the message says from when they may try again); price_changed: the " +
            "quoteToken expired and the price moved since (the message gives the new total); idempotency_conflict: " +
            "key reused with another body, or its first request is still running.",
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

  addCancellationRoutes(router, deps);

  addRequestAnswerRoutes(router, deps);
  addMessageRoutes(router, deps);
  addBookingReviewRoutes(router, deps);
  return router;
}

/** Requests to book: the listing's host (or an admin) accepts or declines a pending_approval booking. */
function addRequestAnswerRoutes(router: Router, deps: AppDeps): void {
  const answerResponses = (ok: string) => ({
    "200": jsonResponse(ok, bookingResponse),
    "401": unauthenticatedResponse,
    "403": errorResponse("forbidden: the booking's guest cannot answer their own request."),
    "404": notFoundResponse,
    "409": errorResponse(
      "invalid_transition: the booking is not a pending request (already accepted, declined, withdrawn...), " +
        "or its approval deadline has passed (it is then declined).",
    ),
  });

  route(router, deps, {
    method: "post",
    path: "/bookings/:id/accept",
    auth: "user",
    command: acceptBooking,
    input: (ctx) => ({ bookingId: idParam(ctx, "booking") }),
    present: (booking) => ({ booking: presentBooking(booking) }),
    describe: {
      tags,
      security,
      summary: "Accept a request to book (listing host or admin)",
      description:
        "On a pending_approval booking within its deadline only: it becomes pending_payment with a fresh hold of " +
        `${config.BOOKING_HOLD_MINUTES} minutes (expiresAt) for the guest to pay. The guest is told live ` +
        "(booking.updated) and by email. A request past its deadline is declined instead (409).",
      requestParams: { path: bookingIdParams },
      responses: answerResponses("The booking, status pending_payment."),
    },
  });

  route(router, deps, {
    method: "post",
    path: "/bookings/:id/decline",
    auth: "user",
    command: declineBooking,
    input: (ctx) => ({ bookingId: idParam(ctx, "booking") }),
    present: (booking) => ({ booking: presentBooking(booking) }),
    describe: {
      tags,
      security,
      summary: "Decline a request to book (listing host or admin)",
      description:
        "On a pending_approval booking only: it becomes declined and its dates free up at once " +
        "(listing.availability). The guest is told live (booking.updated) and by email; nothing was paid.",
      requestParams: { path: bookingIdParams },
      responses: answerResponses("The booking, status declined."),
    },
  });
}

/** The rules of GET /bookings/:id/cancellation and POST /bookings/:id/cancel, in words (one place). */
const CANCELLATION_RULES =
  "Refunds follow the listing's cancellationPolicy, counted in days to the start of the check-in day in the " +
  `listing's timeZone (a cancellation before a deadline gets that tier's share): ${Object.values(POLICY_SUMMARIES).join(" ")} ` +
  "The share is of totalPrice less the platform's service fee (its priceLines line, SERVICE_FEE_PERCENT), " +
  "floored to the minor unit, and never more than was paid (succeeded payments not yet refunded); an unpaid hold " +
  "or request refunds 0: the service fee is kept on a guest's cancellation. A host cancelling refunds the guest " +
  "in full (the service fee too), whenever. An admin gets the policy's figure, or sends refundAmount (0 to what " +
  "was paid). " +
  "A guest cannot cancel a confirmed stay once its check-in day has begun (409 stay_started); the host and admins " +
  "still may (the host refunding in full, an admin the last tier's share or refundAmount). A confirmed stay whose " +
  "check-out day has begun is over: it is completed (reviews open) and cannot be cancelled (409 invalid_transition).";

/** GET /bookings/:id/cancellation (the quote) and POST /bookings/:id/cancel. */
function addCancellationRoutes(router: Router, deps: AppDeps): void {
  route(router, deps, {
    method: "get",
    path: "/bookings/:id/cancellation",
    auth: "user",
    query: cancellationQuote,
    input: (ctx) => ({ bookingId: idParam(ctx, "booking") }),
    describe: {
      tags,
      security,
      summary: "What cancelling now would refund the caller (guest, listing host or admin)",
      description: `The same figure and rule the cancel would apply at this moment, for the actor asking. ${CANCELLATION_RULES}`,
      requestParams: { path: bookingIdParams },
      responses: {
        "200": jsonResponse("The refund and the rule applied.", cancellationResponse),
        "401": unauthenticatedResponse,
        "404": notFoundResponse,
        "409": errorResponse(
          "invalid_transition: not cancellable (cancelled, expired, declined, completed, or over); " +
            "stay_started: a guest, once the check-in day has begun.",
        ),
      },
    },
  });

  route(router, deps, {
    method: "post",
    path: "/bookings/:id/cancel",
    auth: "user",
    command: cancelBooking,
    input: (ctx) => bodyWith(ctx, { bookingId: idParam(ctx, "booking") }),
    present: ({ booking, refund, rule }) => ({ booking: presentBooking(booking), refund, rule }),
    describe: {
      tags,
      security,
      summary: "Cancel a request, a hold or a confirmed booking (guest, host or admin)",
      description:
        "The dates free up at once. The refund is computed as GET /bookings/{id}/cancellation computes it, at the " +
        "moment of cancelling, and returned (refund, rule) and kept on the booking (refundAmount, cancelledBy); " +
        "the worker carries it out through Chapa (a partial refund sends the amount; 0 asks Chapa nothing). " +
        CANCELLATION_RULES,
      requestParams: { path: bookingIdParams },
      requestBody: jsonBody(cancelBody),
      responses: {
        "200": jsonResponse("The booking, status cancelled, and its refund.", cancelResponse),
        "400": errorResponse("validation_failed: refundAmount not an integer from 0 to what was paid."),
        "401": unauthenticatedResponse,
        "403": errorResponse("forbidden: refundAmount sent by someone other than an admin."),
        "404": notFoundResponse,
        "409": errorResponse(
          "invalid_transition: already cancelled, expired, declined or completed, or the stay is over (it is " +
            "then completed); stay_started: a guest, once the check-in day of a confirmed stay has begun.",
        ),
      },
    },
  });
}
