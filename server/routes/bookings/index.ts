import Router from "@koa/router";
import { config } from "../../../shared/config.js";
import type { Actor } from "../../../shared/domain/accounts/tokens.js";
import { cancelBooking } from "../../../shared/domain/bookings/cancelBooking.js";
import { createBooking } from "../../../shared/domain/bookings/createBooking.js";
import { listBookings } from "../../../shared/domain/bookings/listBookings.js";
import { canSeeBooking } from "../../../shared/domain/bookings/policy.js";
import { createBookingInput, MAX_NIGHTS } from "../../../shared/domain/bookings/stayInput.js";
import { loadBookingView } from "../../../shared/domain/bookings/view.js";
import { notFound } from "../../../shared/errors.js";
import type { AppDeps } from "../../deps.js";
import { requireUser } from "../../middlewares/auth.js";
import { IDEMPOTENCY_HEADER, idempotent } from "../../middlewares/idempotency.js";
import { byUser, rateLimit, rateLimitedResponse } from "../../middlewares/rateLimit.js";
import { describeRoute, errorResponse, jsonBody, jsonResponse } from "../../openapi.js";
import { presentBooking } from "../../presenters/booking.js";
import { parse } from "../../validate.js";
import { idParam } from "../params.js";
import { addMessageRoutes } from "./messages.js";
import { bookingIdParams, bookingPage, bookingResponse, idempotencyHeaders, listBookingsQuery } from "./schemas.js";

const tags = ["bookings"];
const security = [{ bearer: [] }];
const unauthenticatedResponse = errorResponse("unauthenticated: no, bad or expired token.");
const notFoundResponse = errorResponse("not_found: no such booking, or not yours to see.");

/** Bookings: create, read, list, cancel; the booking's conversation (messages.ts). */
export function bookingRoutes(deps: AppDeps): Router {
  const router = new Router();
  const { orm } = deps;
  const perUser = rateLimit(deps, {
    name: "bookings-user",
    points: config.RATE_LIMIT_BOOKINGS_PER_USER,
    durationSeconds: 60,
    key: byUser,
  });

  router.post("/bookings", requireUser, perUser, idempotent("bookings.create", deps), async (ctx) => {
    const input = parse(createBookingInput, ctx.request.body);
    const booking = await createBooking({ actor: ctx.state.user as Actor, input, deps });
    ctx.status = 201;
    ctx.body = { booking: presentBooking(booking) };
  });
  describeRoute("post", "/bookings", {
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
  });

  router.get("/bookings", requireUser, async (ctx) => {
    const query = parse(listBookingsQuery, ctx.query);
    ctx.body = await listBookings(orm.em.fork(), ctx.state.user as Actor, query).then((page) => ({
      data: page.data.map(presentBooking),
      nextCursor: page.nextCursor,
    }));
  });
  describeRoute("get", "/bookings", {
    tags,
    security,
    summary: "Your bookings, newest first",
    requestParams: { query: listBookingsQuery },
    responses: {
      "200": jsonResponse("One page.", bookingPage),
      "400": errorResponse("validation_failed: bad filter, limit or cursor."),
      "401": unauthenticatedResponse,
    },
  });

  router.get("/bookings/:id", requireUser, async (ctx) => {
    const booking = await loadBookingView(orm.em.fork(), idParam(ctx, "booking"));
    if (!booking || !canSeeBooking(ctx.state.user as Actor, booking)) throw notFound("booking");
    ctx.body = { booking: presentBooking(booking) };
  });
  describeRoute("get", "/bookings/:id", {
    tags,
    security,
    summary: "One booking (its guest, its listing's host, or an admin)",
    requestParams: { path: bookingIdParams },
    responses: {
      "200": jsonResponse("The booking.", bookingResponse),
      "401": unauthenticatedResponse,
      "404": notFoundResponse,
    },
  });

  router.post("/bookings/:id/cancel", requireUser, async (ctx) => {
    const bookingId = idParam(ctx, "booking");
    const booking = await cancelBooking({ actor: ctx.state.user as Actor, bookingId, deps });
    ctx.body = { booking: presentBooking(booking) };
  });
  describeRoute("post", "/bookings/:id/cancel", {
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
  });

  addMessageRoutes(router, deps);
  return router;
}
