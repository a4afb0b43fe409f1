import type Router from "@koa/router";
import { z } from "zod";
import { listLoginEvents } from "../../../shared/domain/accounts/listLoginEvents.js";
import type { AppDeps } from "../../deps.js";
import { requireRole, requireUser } from "../../middlewares/auth.js";
import { describeRoute, errorResponse, jsonResponse } from "../../openapi.js";
import { loginEventSchema, presentLoginEvent } from "../../presenters/user.js";
import { parse } from "../../validate.js";
import { loginEventsQuery } from "./schemas.js";

const pageSchema = z.object({ data: z.array(loginEventSchema), nextCursor: z.string().nullable() });

/** GET /admin/login-events: the login audit trail, for admins. */
export function addLoginEventRoutes(router: Router, deps: AppDeps): void {
  router.get("/admin/login-events", requireUser, requireRole("admin"), async (ctx) => {
    const query = parse(loginEventsQuery, ctx.query);
    const page = await listLoginEvents(deps.orm, query);
    ctx.body = { data: page.data.map(presentLoginEvent), nextCursor: page.nextCursor };
  });
  describeRoute("get", "/admin/login-events", {
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
  });
}
