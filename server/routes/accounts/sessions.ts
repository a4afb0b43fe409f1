import type Router from "@koa/router";
import { config } from "../../../shared/config.js";
import { changePassword } from "../../../shared/domain/accounts/changePassword.js";
import { logout } from "../../../shared/domain/accounts/tokenVersions.js";
import type { AppDeps } from "../../deps.js";
import { rateLimitedResponse } from "../../middlewares/rateLimit.js";
import { errorResponse, jsonBody, jsonResponse } from "../../openapi.js";
import { sharedLimits } from "../limits.js";
import { route } from "../route.js";
import { session } from "./auth.js";
import { changePasswordBody, sessionSchema } from "./schemas.js";

const REVOCATION =
  "Revocation holds at once on every web instance's REST API, and ends the account's open sockets within " +
  "a second (`session.expired` with reason `token_revoked`, then a server disconnect).";

/** POST /auth/logout, POST /me/password: the two ways a user ends the tokens they hold. */
export function addSessionRoutes(router: Router, deps: AppDeps): void {
  route(router, deps, {
    method: "post",
    path: "/auth/logout",
    auth: "user",
    command: logout,
    status: 204,
    present: () => undefined,
    describe: {
      tags: ["accounts"],
      summary: "Log out: revoke every token of the caller's account",
      description: `Every token issued to this account so far stops working (tokens carry no session of their own, so a logout ends them all). ${REVOCATION}`,
      security: [{ bearer: [] }],
      responses: {
        "204": { description: "Logged out; the token used is revoked too." },
        "401": errorResponse("unauthenticated: no, bad, expired or already revoked token."),
      },
    },
  });

  const { passwordPerUser } = sharedLimits(deps);
  route(router, deps, {
    method: "post",
    path: "/me/password",
    auth: "user",
    use: [passwordPerUser],
    command: changePassword,
    present: session,
    describe: {
      tags: ["accounts"],
      summary: "Change the caller's password",
      description:
        "Requires the current password. The new one follows registration's rules (8 to 200 characters, not blank, " +
        `not one of the 10,000 most common). Every earlier token is revoked; the response carries a fresh one. ${REVOCATION} ` +
        `At most ${config.RATE_LIMIT_LOGIN_PER_EMAIL} attempts per account per 15 minutes.`,
      security: [{ bearer: [] }],
      requestBody: jsonBody(changePasswordBody),
      responses: {
        "200": jsonResponse("The account and a fresh bearer token.", sessionSchema),
        "400": errorResponse("validation_failed (details name currentPassword or newPassword) or invalid_json."),
        "401": errorResponse(
          "invalid_credentials: the current password is wrong; unauthenticated: bad or revoked token.",
        ),
        "429": rateLimitedResponse,
      },
    },
  });
}
