import { createHash } from "node:crypto";
import type { Context, Middleware } from "koa";
import { config } from "../../shared/config.js";
import { normalizeEmail } from "../../shared/domain/accounts/email.js";
import { findUserByEmail } from "../../shared/domain/accounts/findUser.js";
import { recordLoginAttempt } from "../../shared/domain/accounts/recordLoginAttempt.js";
import { execute } from "../../shared/domain/commands/execute.js";
import { findIpBlock } from "../../shared/domain/security/ipBlocks.js";
import { blocked } from "../../shared/errors.js";
import type { AppDeps } from "../deps.js";
import { byIp, byUser, rateLimit } from "../middlewares/rateLimit.js";
import { loginBody } from "./accounts/schemas.js";

const FIFTEEN_MINUTES = 15 * 60;
const ONE_HOUR = 60 * 60;

/** Rate-limit key: the email a login is for, as typed, normalised and hashed (keys never hold emails). */
function byLoginEmail(ctx: Context): string | null {
  const email = (ctx.request.body as { email?: unknown } | undefined)?.email;
  if (typeof email !== "string") return null;
  return createHash("sha256").update(normalizeEmail(email)).digest("base64url");
}

/** Records a login attempt (time, IP, user agent, outcome): both doors, REST and GraphQL, call it. */
export function auditLogin(
  deps: AppDeps,
  ctx: Pick<Context, "ip" | "get">,
  attempt: { email: string; success: boolean; userId: string | null; rateLimited?: boolean },
): Promise<unknown> {
  return execute(
    recordLoginAttempt,
    {
      actor: null,
      input: {
        userId: attempt.userId,
        email: attempt.email,
        ip: ctx.ip || null,
        userAgent: ctx.get("user-agent") || null,
        success: attempt.success,
        rateLimited: attempt.rateLimited ?? false,
      },
    },
    deps,
  );
}

export interface SharedLimits {
  /** The admin IP blocklist at register and login: 403 blocked, before any rate limit. */
  blockedAtRegister: Middleware;
  blockedAtLogin: Middleware;
  registerPerIp: Middleware;
  loginPerIp: Middleware;
  loginPerEmail: Middleware;
  bookingsPerUser: Middleware;
  messagesPerUser: Middleware;
  passwordPerUser: Middleware;
}

const built = new WeakMap<object, SharedLimits>();

/**
 * The rate limits of the API, defined once and shared by the REST routes and the GraphQL resolvers
 * (server/graphql), so one budget covers both doors (the counts live in Redis under one name each).
 * The key functions read `ctx.ip`, `ctx.state.user` and `ctx.request.body`.
 */
export function sharedLimits(deps: AppDeps): SharedLimits {
  const existing = built.get(deps.redis);
  if (existing) return existing;
  // A refused attempt is on record too (against the account its email names, if any), once per window.
  // The body is not validated yet here: only an email the login schema would take is looked up and stored.
  const auditRefusal = async (ctx: Context) => {
    const email = loginBody.shape.email.safeParse((ctx.request.body as { email?: unknown } | undefined)?.email);
    if (!email.success) return;
    const userId = (await findUserByEmail(deps.orm, email.data))?.id ?? null;
    await auditLogin(deps, ctx, { email: email.data, success: false, userId, rateLimited: true });
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
  const limits: SharedLimits = {
    blockedAtRegister: refuseBlocked("register"),
    blockedAtLogin: refuseBlocked("login"),
    registerPerIp: rateLimit(deps, {
      name: "register-ip",
      points: config.RATE_LIMIT_REGISTER_PER_IP,
      durationSeconds: ONE_HOUR,
      key: byIp,
    }),
    loginPerIp: rateLimit(deps, {
      name: "login-ip",
      points: config.RATE_LIMIT_LOGIN_PER_IP,
      durationSeconds: FIFTEEN_MINUTES,
      key: byIp,
      onFirstRefusal: auditRefusal,
    }),
    loginPerEmail: rateLimit(deps, {
      name: "login-email",
      points: config.RATE_LIMIT_LOGIN_PER_EMAIL,
      durationSeconds: FIFTEEN_MINUTES,
      key: byLoginEmail,
      onFirstRefusal: auditRefusal,
    }),
    bookingsPerUser: rateLimit(deps, {
      name: "bookings-user",
      points: config.RATE_LIMIT_BOOKINGS_PER_USER,
      durationSeconds: 60,
      key: byUser,
    }),
    // Per user, not per booking: one account cannot flood by spreading messages over many holds.
    messagesPerUser: rateLimit(deps, {
      name: "messages-user",
      points: config.RATE_LIMIT_MESSAGES_PER_USER,
      durationSeconds: 60,
      key: byUser,
    }),
    // A stolen token must not become a way to guess the password: as many tries as login allows an email.
    passwordPerUser: rateLimit(deps, {
      name: "password-user",
      points: config.RATE_LIMIT_LOGIN_PER_EMAIL,
      durationSeconds: FIFTEEN_MINUTES,
      key: byUser,
    }),
  };
  built.set(deps.redis, limits);
  return limits;
}
