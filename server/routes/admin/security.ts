import Router from "@koa/router";
import { z } from "zod";
import {
  addIpBlock,
  addIpBlockInput,
  ipBlockViewSchema,
  listIpBlocks,
  removeIpBlock,
} from "../../../shared/domain/security/ipBlocks.js";
import {
  failingIpSchema,
  loginAnalytics,
  loginAnalyticsQuery,
  loginAnalyticsRowSchema,
  rankingQueryShape,
  targetedAccountSchema,
  targetedAccounts,
  topFailingIps,
} from "../../../shared/domain/security/loginAnalytics.js";
import { pageInput } from "../../../shared/pagination.js";
import type { AppDeps } from "../../deps.js";
import { errorResponse, jsonBody, jsonResponse } from "../../openapi.js";
import { idParam, idPathParams } from "../params.js";
import { route } from "../route.js";

const bearer = [{ bearer: [] }];
const adminOnly = {
  401: errorResponse("unauthenticated"),
  403: errorResponse("forbidden: admins only."),
};
const badRange = errorResponse(
  "validation_failed: a bad from/to (not an instant, from not before to, over 366 days) or limit.",
);

/** Admin: login analytics, the accounts and IPs under attack, and the IP blocklist. */
export function adminSecurityRoutes(deps: AppDeps): Router {
  const router = new Router();

  route(router, deps, {
    method: "get",
    path: "/admin/analytics/logins",
    auth: "admin",
    query: loginAnalytics,
    describe: {
      tags: ["admin"],
      summary: "Login attempts by country, UTC day or ASN (admin)",
      description:
        "Successes, failures (wrong password, unknown email, rate limited), blocked attempts and distinct accounts in " +
        "[from, to), grouped by the place recorded with each attempt (offline GeoIP, at the time of the attempt).",
      security: bearer,
      requestParams: { query: loginAnalyticsQuery },
      responses: {
        200: jsonResponse(
          "The groups (days in order; countries and ASNs busiest first).",
          z.object({
            from: z.iso.datetime(),
            to: z.iso.datetime(),
            groupBy: z.enum(["country", "day", "asn"]),
            data: z.array(loginAnalyticsRowSchema),
          }),
        ),
        400: badRange,
        ...adminOnly,
      },
    },
  });

  route(router, deps, {
    method: "get",
    path: "/admin/analytics/failing-ips",
    auth: "admin",
    query: topFailingIps,
    describe: {
      tags: ["admin"],
      summary: "The IPs with the most failed logins (admin)",
      description: "A ranking (not paginated): at most `limit` (default 20) IPs, most failures first, in [from, to).",
      security: bearer,
      requestParams: { query: rankingQueryShape },
      responses: {
        200: jsonResponse("The ranking.", z.object({ data: z.array(failingIpSchema) })),
        400: badRange,
        ...adminOnly,
      },
    },
  });

  route(router, deps, {
    method: "get",
    path: "/admin/analytics/targeted-accounts",
    auth: "admin",
    query: targetedAccounts,
    describe: {
      tags: ["admin"],
      summary: "The accounts with the most failed logins against them (admin)",
      description:
        "A ranking (not paginated): at most `limit` (default 20) existing accounts, most failures first, with how many " +
        "distinct IPs and which countries they came from, in [from, to).",
      security: bearer,
      requestParams: { query: rankingQueryShape },
      responses: {
        200: jsonResponse("The ranking.", z.object({ data: z.array(targetedAccountSchema) })),
        400: badRange,
        ...adminOnly,
      },
    },
  });

  route(router, deps, {
    method: "post",
    path: "/admin/ip-blocks",
    auth: "admin",
    command: addIpBlock,
    status: 201,
    present: (block) => ({ block }),
    describe: {
      tags: ["admin"],
      summary: "Block an IPv4 or IPv6 range from logging in and registering (admin)",
      description:
        "Login and register from an address in an active range answer 403 blocked, and the attempt is recorded " +
        "(blocked: true in the login events). Host bits are cleared (10.1.2.3/8 is saved as 10.0.0.0/8); a bare " +
        "address is one host. An expired block stays listed (active: false) and blocks nothing.",
      security: bearer,
      requestBody: jsonBody(addIpBlockInput),
      responses: {
        201: jsonResponse("The block.", z.object({ block: ipBlockViewSchema })),
        400: errorResponse("validation_failed: not a CIDR range, no reason, an expiry in the past."),
        ...adminOnly,
      },
    },
  });

  route(router, deps, {
    method: "get",
    path: "/admin/ip-blocks",
    auth: "admin",
    query: listIpBlocks,
    describe: {
      tags: ["admin"],
      summary: "The IP blocklist, newest first (admin)",
      security: bearer,
      requestParams: { query: pageInput },
      responses: {
        200: jsonResponse(
          "One page of blocks.",
          z.object({ data: z.array(ipBlockViewSchema), nextCursor: z.string().nullable() }),
        ),
        400: errorResponse("validation_failed: bad limit (1-100) or cursor."),
        ...adminOnly,
      },
    },
  });

  route(router, deps, {
    method: "delete",
    path: "/admin/ip-blocks/:id",
    auth: "admin",
    command: removeIpBlock,
    input: (ctx) => ({ blockId: idParam(ctx, "IP block") }),
    status: 204,
    present: () => undefined,
    describe: {
      tags: ["admin"],
      summary: "Remove a block (admin)",
      security: bearer,
      requestParams: { path: idPathParams },
      responses: {
        204: jsonResponse("Removed: the range may log in and register again at once."),
        ...adminOnly,
        404: errorResponse("not_found: no such block."),
      },
    },
  });

  return router;
}
