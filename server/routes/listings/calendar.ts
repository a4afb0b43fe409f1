import type Router from "@koa/router";
import type { RouterContext } from "@koa/router";
import { z } from "zod";
import { addFeed } from "../../../shared/domain/calendars/addFeed.js";
import { feedInputSchema } from "../../../shared/domain/calendars/feeds.js";
import { getCalendar } from "../../../shared/domain/calendars/getCalendar.js";
import { removeFeed } from "../../../shared/domain/calendars/removeFeed.js";
import { rotateExportToken } from "../../../shared/domain/calendars/rotateExportToken.js";
import { syncFeedNow } from "../../../shared/domain/calendars/syncFeedNow.js";
import { notFound } from "../../../shared/errors.js";
import { isUuid } from "../../../shared/ids.js";
import type { AppDeps } from "../../deps.js";
import { errorResponse, jsonBody, jsonResponse } from "../../openapi.js";
import {
  calendarResponseSchema,
  exportUrlResponseSchema,
  feedResponseSchema,
  presentCalendar,
  presentFeed,
} from "../../presenters/calendar.js";
import { idParam, idPathParams } from "../params.js";
import { bodyWith, route } from "../route.js";

const bearer = [{ bearer: [] }];
const tags = ["calendars"];
const unauthenticatedResponse = errorResponse("unauthenticated: no or bad bearer token.");
const forbiddenResponse = errorResponse("forbidden: not the listing's host nor an admin.");
const feedPathParams = z.object({ id: z.uuid(), feedId: z.uuid() });

/** The route's `:feedId`; a malformed one names no feed (404). */
function feedIdParam(ctx: RouterContext): string {
  const id = ctx.params.feedId;
  if (!isUuid(id)) throw notFound("feed");
  return id;
}

/**
 * A listing's calendar sync (issue 21), its host's and admins': the export URL (rotate it), and the
 * feeds of other channels it imports (add, remove, fetch now). The export itself is /ical/<token>.ics
 * (routes/icalFeed.ts), outside /api/v1.
 */
export function addListingCalendarRoutes(router: Router, deps: AppDeps): void {
  route(router, deps, {
    method: "get",
    path: "/listings/:id/calendar",
    auth: "user",
    query: getCalendar,
    input: (ctx) => ({ listingId: idParam(ctx, "listing") }),
    present: (calendar) => ({ calendar: presentCalendar(calendar) }),
    describe: {
      tags,
      summary: "A listing's calendar sync: export URL, imported feeds and their status, conflicts",
      description:
        "Each feed shows when it was last fetched, how that went (ok, not_modified, failed with its error), how many " +
        "events it has and when it is fetched next. Imported nights are in GET /listings/{id}/blocks with source: feed.",
      security: bearer,
      requestParams: { path: idPathParams },
      responses: {
        200: jsonResponse("The calendar settings.", calendarResponseSchema),
        401: unauthenticatedResponse,
        403: forbiddenResponse,
        404: errorResponse("not_found: unknown listing."),
      },
    },
  });

  route(router, deps, {
    method: "post",
    path: "/listings/:id/calendar/export-token",
    auth: "user",
    command: rotateExportToken,
    input: (ctx) => bodyWith(ctx, { listingId: idParam(ctx, "listing") }),
    present: (result) => result,
    describe: {
      tags,
      summary: "Rotate the secret of the listing's export URL (the old URL stops working)",
      security: bearer,
      requestParams: { path: idPathParams },
      responses: {
        200: jsonResponse("The new export URL.", exportUrlResponseSchema),
        401: unauthenticatedResponse,
        403: forbiddenResponse,
        404: errorResponse("not_found: unknown listing."),
      },
    },
  });

  route(router, deps, {
    method: "post",
    path: "/listings/:id/calendar/feeds",
    auth: "user",
    command: addFeed,
    input: (ctx) => bodyWith(ctx, { listingId: idParam(ctx, "listing") }),
    status: 201,
    present: (feed) => ({ feed: presentFeed(feed) }),
    describe: {
      tags,
      summary: "Import another channel's iCal feed into the listing's calendar",
      description:
        "The worker fetches it at once and then every ICAL_POLL_MINUTES (jittered). Each event's nights become an " +
        "external block; an event over a reservation keeps the reservation and alerts the host (calendar.conflict and " +
        "an email). Only http(s) URLs; addresses of the internal network are refused here and at every fetch.",
      security: bearer,
      requestParams: { path: idPathParams },
      requestBody: jsonBody(feedInputSchema),
      responses: {
        201: jsonResponse("The feed, due for its first fetch.", feedResponseSchema),
        400: errorResponse(
          "validation_failed: a bad name, or a URL that is not http(s) or points at a refused address.",
        ),
        401: unauthenticatedResponse,
        403: forbiddenResponse,
        404: errorResponse("not_found: unknown listing."),
        409: errorResponse("feed_exists: the listing imports that URL already; too_many_feeds: 10 feeds already."),
      },
    },
  });

  route(router, deps, {
    method: "delete",
    path: "/listings/:id/calendar/feeds/:feedId",
    auth: "user",
    command: removeFeed,
    input: (ctx) => ({ listingId: idParam(ctx, "listing"), feedId: feedIdParam(ctx) }),
    status: 204,
    present: () => undefined,
    describe: {
      tags,
      summary: "Stop importing a feed: its blocks are removed and their nights can be booked again",
      security: bearer,
      requestParams: { path: feedPathParams },
      responses: {
        204: jsonResponse("Removed."),
        401: unauthenticatedResponse,
        403: forbiddenResponse,
        404: errorResponse("not_found: unknown listing, or no such feed on it."),
      },
    },
  });

  route(router, deps, {
    method: "post",
    path: "/listings/:id/calendar/feeds/:feedId/sync",
    auth: "user",
    command: syncFeedNow,
    input: (ctx) => bodyWith(ctx, { listingId: idParam(ctx, "listing"), feedId: feedIdParam(ctx) }),
    status: 202,
    present: (feed) => ({ feed: presentFeed(feed) }),
    describe: {
      tags,
      summary: "Fetch a feed now rather than at its next poll",
      security: bearer,
      requestParams: { path: feedPathParams },
      responses: {
        202: jsonResponse("The feed, due now.", feedResponseSchema),
        401: unauthenticatedResponse,
        403: forbiddenResponse,
        404: errorResponse("not_found: unknown listing, or no such feed on it."),
      },
    },
  });
}
