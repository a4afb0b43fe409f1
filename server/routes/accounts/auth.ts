import type Router from "@koa/router";
import type { Context } from "koa";
import { Strategy as LocalStrategy } from "passport-local";
import { config } from "../../../shared/config.js";
import type { IUser } from "../../../shared/db/entities/user.js";
import type { Orm } from "../../../shared/db/orm.js";
import { authenticateUser, invalidCredentials } from "../../../shared/domain/accounts/authenticateUser.js";
import { getMe } from "../../../shared/domain/accounts/findUser.js";
import { registerUser } from "../../../shared/domain/accounts/registerUser.js";
import { issueToken } from "../../../shared/domain/accounts/tokens.js";
import type { AppDeps } from "../../deps.js";
import { authenticateWith } from "../../middlewares/passport.js";
import { rateLimitedResponse } from "../../middlewares/rateLimit.js";
import { errorResponse, jsonBody, jsonResponse } from "../../openapi.js";
import { presentUser } from "../../presenters/user.js";
import { parse } from "../../validate.js";
import { auditLogin, sharedLimits } from "../limits.js";
import { route } from "../route.js";
import { type LoginInput, loginBody, meSchema, registerBody, sessionSchema } from "./schemas.js";

/** passport-local over authenticateUser; a failure carries the account id (if any) for the audit row. */
function localStrategy(orm: Orm): LocalStrategy {
  return new LocalStrategy(
    { usernameField: "email", passwordField: "password", session: false },
    (email, password, done) => {
      authenticateUser(orm, { email, password }).then((result) => {
        if (result.ok) return done(null, result.user);
        const info = { message: "invalid credentials", userId: result.userId };
        done(null, false, info);
      }, done);
    },
  );
}

/** The response of register, login and a password change: the account and a token at its current version. */
export const session = (user: IUser) => ({
  user: presentUser(user),
  token: issueToken({ id: user.id, role: user.role, tokenVersion: user.tokenVersion }),
});

/** POST /auth/register, POST /auth/login, GET /me. */
export function addAuthRoutes(router: Router, deps: AppDeps): void {
  const { blockedAtRegister, registerPerIp, blockedAtLogin, loginPerIp, loginPerEmail } = sharedLimits(deps);
  const audit = (ctx: Context, email: string, success: boolean, userId: string | null) =>
    auditLogin(deps, ctx, { email, success, userId });

  route(router, deps, {
    method: "post",
    path: "/auth/register",
    auth: "none",
    use: [blockedAtRegister, registerPerIp],
    command: registerUser,
    status: 201,
    present: session,
    describe: {
      tags: ["accounts"],
      summary: "Create a guest or host account",
      description:
        `Emails are trimmed and case-insensitive. At most ${config.RATE_LIMIT_REGISTER_PER_IP} per IP per hour. ` +
        "A blank password, or one of the 10,000 most common ones (case-insensitive), is 400 validation_failed " +
        "naming `password`. The token carries `exp`, `iss`, `aud` and the account's token version (`ver`).",
      requestBody: jsonBody(registerBody),
      responses: {
        "201": jsonResponse("The new account and a bearer token.", sessionSchema),
        "400": errorResponse(
          "validation_failed (details name each field; a common password names password) or invalid_json.",
        ),
        "403": errorResponse("blocked: the client IP is on the admin blocklist (the attempt is recorded)."),
        "409": errorResponse("email_taken: an account already uses this email, in any case."),
        "429": rateLimitedResponse,
      },
    },
  });

  // Login is passport-local's: the strategy checks the password; the route records the attempt.
  route(router, deps, {
    method: "post",
    path: "/auth/login",
    auth: "none",
    use: [
      blockedAtLogin,
      loginPerIp,
      loginPerEmail,
      async (ctx, next) => {
        ctx.request.body = parse(loginBody, ctx.request.body);
        await next();
      },
      authenticateWith(localStrategy(deps.orm), async (ctx, info) => {
        await audit(
          ctx,
          (ctx.request.body as LoginInput).email,
          false,
          (info as { userId?: string | null } | undefined)?.userId ?? null,
        );
        throw invalidCredentials();
      }),
    ],
    handle: async ({ ctx }) => {
      // passport-local's verified account (not an Actor: the token is only being issued).
      const user = ctx.state.user as IUser;
      await audit(ctx, (ctx.request.body as LoginInput).email, true, user.id);
      return user;
    },
    present: session,
    describe: {
      tags: ["accounts"],
      summary: "Exchange an email and password for a bearer token",
      description:
        `Every attempt is recorded (time, IP, user agent, outcome). At most ${config.RATE_LIMIT_LOGIN_PER_IP} ` +
        `attempts per IP and ${config.RATE_LIMIT_LOGIN_PER_EMAIL} per email per 15 minutes; the first refused ` +
        "attempt of each window is recorded with rateLimited: true, the ones after it only counted.",
      requestBody: jsonBody(loginBody),
      responses: {
        "200": jsonResponse("The account and a bearer token.", sessionSchema),
        "400": errorResponse("validation_failed or invalid_json."),
        "401": errorResponse("invalid_credentials: unknown email or wrong password (the same answer for both)."),
        "403": errorResponse("blocked: the client IP is on the admin blocklist (the attempt is recorded)."),
        "429": rateLimitedResponse,
      },
    },
  });

  route(router, deps, {
    method: "get",
    path: "/me",
    auth: "user",
    query: getMe,
    present: (user) => ({ user: presentUser(user) }),
    describe: {
      tags: ["accounts"],
      summary: "The account the bearer token belongs to",
      security: [{ bearer: [] }],
      responses: {
        "200": jsonResponse("The caller's account.", meSchema),
        "401": errorResponse(
          "unauthenticated: no, bad or expired token, a token revoked (logout, password change) or whose account no longer exists.",
        ),
      },
    },
  });
}
