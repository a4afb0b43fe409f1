import Router from "@koa/router";
import type { EntityManager } from "@mikro-orm/postgresql";
import type { Actor } from "../../../shared/domain/accounts/tokens.js";
import { listNotifications, markNotificationsRead } from "../../../shared/domain/notifications/notifications.js";
import type { AppDeps } from "../../deps.js";
import { requireUser } from "../../middlewares/auth.js";
import { describeRoute, errorResponse, jsonBody, jsonResponse } from "../../openapi.js";
import { parse } from "../../validate.js";
import { markReadBody, markReadResponse, notificationsPageSchema, notificationsQuery } from "./schemas.js";

/** Notifications: the caller's events log (the same one sockets replay) and read marks. */
export function notificationRoutes(deps: AppDeps): Router {
  const router = new Router();
  const em = () => deps.orm.em.fork() as EntityManager;

  router.get("/notifications", requireUser, async (ctx) => {
    const query = parse(notificationsQuery, ctx.query);
    ctx.body = await listNotifications(em(), (ctx.state.user as Actor).id, query);
  });
  describeRoute("get", "/notifications", {
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
  });

  router.post("/notifications/read", requireUser, async (ctx) => {
    const { upTo } = parse(markReadBody, ctx.request.body);
    ctx.body = await markNotificationsRead(em(), (ctx.state.user as Actor).id, upTo);
  });
  describeRoute("post", "/notifications/read", {
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
  });

  return router;
}
