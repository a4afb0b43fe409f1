import { createHash } from "node:crypto";
import type Router from "@koa/router";
import type { Context, Middleware } from "koa";
import { Strategy as LocalStrategy } from "passport-local";
import { config } from "../../../shared/config.js";
import type { IUser } from "../../../shared/db/entities/user.js";
import type { Orm } from "../../../shared/db/orm.js";
import { authenticateUser, invalidCredentials } from "../../../shared/domain/accounts/authenticateUser.js";
import { normalizeEmail } from "../../../shared/domain/accounts/email.js";
import { findUserByEmail, getMe } from "../../../shared/domain/accounts/findUser.js";
import { recordLoginAttempt } from "../../../shared/domain/accounts/recordLoginAttempt.js";
import { registerUser } from "../../../shared/domain/accounts/registerUser.js";
import { issueToken } from "../../../shared/domain/accounts/tokens.js";
import { execute } from "../../../shared/domain/commands/execute.js";
import { findIpBlock } from "../../../shared/domain/security/ipBlocks.js";
import { blocked } from "../../../shared/errors.js";
import type { AppDeps } from "../../deps.js";
import { authenticateWith } from "../../middlewares/passport.js";
import { byIp, rateLimit, rateLimitedResponse } from "../../middlewares/rateLimit.js";
import { errorResponse, jsonBody, jsonResponse } from "../../openapi.js";
import { presentUser } from "../../presenters/user.js";
import { parse } from "../../validate.js";
import { route } from "../route.js";
import { type LoginInput, loginBody, meSchema, registerBody, sessionSchema } from "./schemas.js";

const FIFTEEN_MINUTES = 15 * 60;
const ONE_HOUR = 60 * 60;

/** Rate-limit key: the email a login is for, as typed, normalised and hashed (keys never hold emails). */
function byLoginEmail(ctx: Context): string | null {
  const email = (ctx.request.body as { email?: unknown } | undefined)?.email;
  if (typeof email !== "string") return null;
  return createHash("sha256").update(normalizeEmail(email)).digest("base64url");
}

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
  const registerPerIp = rateLimit(deps, {
    name: "register-ip",
    points: config.RATE_LIMIT_REGISTER_PER_IP,
    durationSeconds: ONE_HOUR,
    key: byIp,
  });
  const audit = (ctx: Context, email: string, success: boolean, userId: string | null, rateLimited = false) =>
    execute(
      recordLoginAttempt,
      {
        actor: null,
        input: { userId, email, ip: ctx.ip || null, userAgent: ctx.get("user-agent") || null, success, rateLimited },
      },
      deps,
    );
  // A refused attempt is on record too (against the account its email names, if any), once per window.
  // The body is not validated yet here: only an email the login schema would take is looked up and stored.
  const auditRefusal = async (ctx: Context) => {
    const email = loginBody.shape.email.safeParse((ctx.request.body as { email?: unknown } | undefined)?.email);
    if (!email.success) return;
    await audit(ctx, email.data, false, (await findUserByEmail(deps.orm, email.data))?.id ?? null, true);
  };
  // The admin blocklist, before anything else: a blocked address gets 403 blocked and the attempt is on
  // record (blocked: true, with the email it named if the login schema would take it), one a second
  // per block at most (findIpBlock).
  const refuseBlocked =
    (attempt: "login" | "register"): Middleware =>
    async (ctx, next) => {
      const block = await findIpBlock(deps.orm, ctx.ip);
      if (!block) return next();
      if (!block.record) throw blocked();
      const email = loginBody.shape.email.safeParse((ctx.request.body as { email?: unknown } | undefined)?.email);
      const address = email.success ? email.data : "";
      const userId = address ? ((await findUserByEmail(deps.orm, address))?.id ?? null) : null;
      await execute(
        recordLoginAttempt,
        {
          actor: null,
          input: {
            userId,
            email: address,
            ip: ctx.ip || null,
            userAgent: ctx.get("user-agent") || null,
            success: false,
            blocked: true,
            attempt,
          },
        },
        deps,
      );
      throw blocked();
    };
  const loginPerIp = rateLimit(deps, {
    name: "login-ip",
    points: config.RATE_LIMIT_LOGIN_PER_IP,
    durationSeconds: FIFTEEN_MINUTES,
    key: byIp,
    onFirstRefusal: auditRefusal,
  });
  const loginPerEmail = rateLimit(deps, {
    name: "login-email",
    points: config.RATE_LIMIT_LOGIN_PER_EMAIL,
    durationSeconds: FIFTEEN_MINUTES,
    key: byLoginEmail,
    onFirstRefusal: auditRefusal,
  });

  route(router, deps, {
    method: "post",
    path: "/auth/register",
    auth: "none",
    use: [refuseBlocked("register"), registerPerIp],
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
      refuseBlocked("login"),
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
