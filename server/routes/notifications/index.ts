import Router from "@koa/router";
import { listNotifications, markNotificationsRead } from "../../../shared/domain/notifications/notifications.js";
import type { AppDeps } from "../../deps.js";
import { errorResponse, jsonBody, jsonResponse } from "../../openapi.js";
import { route } from "../route.js";
import { markReadBody, markReadResponse, notificationsPageSchema, notificationsQuery } from "./schemas.js";

/** Notifications: the caller's events log (the same one sockets replay) and read marks. */
export function notificationRoutes(deps: AppDeps): Router {
  const router = new Router();

  route(router, deps, {
    method: "get",
    path: "/notifications",
    auth: "user",
    query: listNotifications,
    describe: {
      tags: ["notifications"],
      summary: "The caller's events, oldest first, with the unread count",
      description:
        "The same events the socket sends to the caller's room (booking.created, booking.updated, payment.updated, " +
        "message.created), with the same ids. listing.availability events are live-only (socket subscribers) and " +
        "never listed here. Page with `after` = the previous page's nextCursor.",
      security: [{ bearer: [] }],
      requestParams: { query: notificationsQuery },
      responses: {
        "200": jsonResponse("One page of the caller's events.", notificationsPageSchema),
        "400": errorResponse("validation_failed: bad after or limit (1-100)."),
        "401": errorResponse("unauthenticated"),
      },
    },
  });

  route(router, deps, {
    method: "post",
    path: "/notifications/read",
    auth: "user",
    command: markNotificationsRead,
    describe: {
      tags: ["notifications"],
      summary: "Mark the caller's events up to an id as read",
      description: "The read mark only moves forward: an older upTo changes nothing.",
      security: [{ bearer: [] }],
      requestBody: jsonBody(markReadBody),
      responses: {
        "200": jsonResponse("The read mark and the unread count after it.", markReadResponse),
        "400": errorResponse("validation_failed: upTo is not a non-negative integer."),
        "401": errorResponse("unauthenticated"),
      },
    },
  });

  return router;
}
