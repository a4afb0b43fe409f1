import Router from "@koa/router";
import { z } from "zod";
import { exportFeed, exportTokenSchema } from "../../shared/domain/calendars/exportFeed.js";
import { query } from "../../shared/domain/commands/execute.js";
import { notFound } from "../../shared/errors.js";
import type { AppDeps } from "../deps.js";
import { describeOperation, errorResponse } from "../openapi.js";

/** If-None-Match names this entity tag (weak comparison, RFC 9110 13.1.2), or is `*`. */
function matches(ifNoneMatch: string, etag: string): boolean {
  const bare = (tag: string) => tag.trim().replace(/^W\//, "");
  return ifNoneMatch.split(",").some((tag) => tag.trim() === "*" || bare(tag) === bare(etag));
}

/**
 * A listing's iCal export, GET /ical/<token>.ics: public, its secret is the token (the host gives the
 * URL to other channels and can rotate it). Answers 304 to an If-None-Match of the current ETag, so
 * the pollers of other channels cost a query and no body.
 */
export function icalFeedRoutes(deps: AppDeps): Router {
  describeOperation("get", "/ical/{token}.ics", {
    tags: ["calendars"],
    operationId: "getIcalFeed",
    summary: "A listing's calendar as an iCal feed (RFC 5545), for other channels to import",
    description:
      "Every reservation that holds its nights (Reserved) and every host block (Blocked), as all-day VEVENTs " +
      "(DTEND is the check-out day) with a UID stable for the reservation's life, SEQUENCE and LAST-MODIFIED; no guest " +
      "data. Stays that ended over 30 days ago and blocks imported from other feeds are left out. The token is the " +
      "secret: an unknown or rotated one is 404.",
    requestParams: {
      path: z.object({ token: exportTokenSchema.meta({ description: "The listing's export secret (64 hex)." }) }),
      header: z.object({
        "if-none-match": z.string().optional().meta({ description: "An ETag from an earlier answer." }),
      }),
    },
    responses: {
      "200": {
        description: "The feed.",
        headers: z.object({ ETag: z.string().meta({ description: "A strong validator of this body." }) }),
        content: { "text/calendar": { schema: z.string().meta({ example: "BEGIN:VCALENDAR\r\n…" }) } },
      },
      "304": { description: "Unchanged since the ETag given in If-None-Match." },
      "404": errorResponse("not_found: no listing has that token (or it was rotated)."),
    },
  });

  const router = new Router();
  router.get("/ical/:file", async (ctx) => {
    const token = /^(.+)\.ics$/.exec(ctx.params.file)?.[1];
    if (!token || !exportTokenSchema.safeParse(token).success) throw notFound("calendar");
    const feed = await query(exportFeed, { actor: null, input: { token } }, deps);
    ctx.set("ETag", feed.etag);
    // Caches may keep it but must ask again each time (the ETag makes asking cheap).
    ctx.set("Cache-Control", "no-cache");
    const ifNoneMatch = ctx.get("if-none-match");
    if (ifNoneMatch && matches(ifNoneMatch, feed.etag)) {
      ctx.status = 304;
      return;
    }
    ctx.type = "text/calendar; charset=utf-8";
    ctx.body = feed.body;
  });
  return router;
}
