import type Router from "@koa/router";
import { z } from "zod";
import {
  listLoginEvents,
  listMyLoginEvents,
  myLoginEventsInput,
} from "../../../shared/domain/accounts/listLoginEvents.js";
import type { AppDeps } from "../../deps.js";
import { errorResponse, jsonResponse } from "../../openapi.js";
import { loginEventSchema, presentLoginEvent } from "../../presenters/user.js";
import { route } from "../route.js";
import { loginEventsQuery } from "./schemas.js";

const pageSchema = z.object({ data: z.array(loginEventSchema), nextCursor: z.string().nullable() });

/** GET /admin/login-events: the login audit trail, for admins; GET /me/login-events: one's own. */
export function addLoginEventRoutes(router: Router, deps: AppDeps): void {
  route(router, deps, {
    method: "get",
    path: "/admin/login-events",
    auth: "admin",
    query: listLoginEvents,
    present: (page) => ({ data: page.data.map(presentLoginEvent), nextCursor: page.nextCursor }),
    describe: {
      tags: ["admin"],
      summary: "Login attempts, newest first (admin)",
      security: [{ bearer: [] }],
      requestParams: { query: loginEventsQuery },
      responses: {
        "200": jsonResponse("One page of login attempts.", pageSchema),
        "400": errorResponse("validation_failed: bad userId, limit (1-100) or cursor."),
        "401": errorResponse("unauthenticated"),
        "403": errorResponse("forbidden: admins only."),
      },
    },
  });

  route(router, deps, {
    method: "get",
    path: "/me/login-events",
    auth: "user",
    query: listMyLoginEvents,
    present: (page) => ({ data: page.data.map(presentLoginEvent), nextCursor: page.nextCursor }),
    describe: {
      tags: ["accounts"],
      summary: "The caller's own login history, newest first",
      description:
        "Every login attempt against the caller's account (successes and failures), with where it came from " +
        "(offline GeoIP, recorded at the time) and the device (browser and OS families). Kept " +
        "LOGIN_EVENT_RETENTION_DAYS days.",
      security: [{ bearer: [] }],
      requestParams: { query: myLoginEventsInput },
      responses: {
        "200": jsonResponse("One page of login attempts.", pageSchema),
        "400": errorResponse("validation_failed: bad limit (1-100) or cursor."),
        "401": errorResponse("unauthenticated"),
      },
    },
  });
}
