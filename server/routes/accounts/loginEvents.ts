import type Router from "@koa/router";
import { z } from "zod";
import { listLoginEvents } from "../../../shared/domain/accounts/listLoginEvents.js";
import type { AppDeps } from "../../deps.js";
import { errorResponse, jsonResponse } from "../../openapi.js";
import { loginEventSchema, presentLoginEvent } from "../../presenters/user.js";
import { route } from "../route.js";
import { loginEventsQuery } from "./schemas.js";

const pageSchema = z.object({ data: z.array(loginEventSchema), nextCursor: z.string().nullable() });

/** GET /admin/login-events: the login audit trail, for admins. */
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
}
