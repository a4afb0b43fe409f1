import type { Context, Middleware } from "koa";
import { ExtractJwt, Strategy as JwtStrategy } from "passport-jwt";
import { findUser } from "../../shared/domain/accounts/findUser.js";
import type { Role } from "../../shared/domain/accounts/role.js";
import {
  type Actor,
  claimsOf,
  jwtKey,
  jwtVerifyOptions,
  type TokenClaims,
} from "../../shared/domain/accounts/tokens.js";
import { currentTokenVersion } from "../../shared/domain/accounts/tokenVersions.js";
import { forbidden, unauthenticated } from "../../shared/errors.js";
import { authenticateWith } from "./passport.js";

const bearer = new JwtStrategy(
  {
    jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
    // passport-jwt hands this to jsonwebtoken unchanged; its types predate KeyObject support.
    secretOrKey: jwtKey as unknown as Buffer,
    ...jwtVerifyOptions,
  },
  (payload: unknown, done: (err: unknown, claims?: TokenClaims | false) => void) => {
    done(null, claimsOf(payload) ?? false);
  },
);

const bearerToken = authenticateWith(bearer, () => {
  throw unauthenticated("A valid bearer token is required.");
});

const revoked = () => unauthenticated("This token was revoked, or its account no longer exists; log in again.");

/**
 * Requires a valid bearer token: ctx.state.user becomes the Actor, or the request is 401.
 * Every token's version is checked against the account's (cached in Redis, tokenVersions.ts), so a
 * logout, a password change or a deleted account ends it. A token claiming admin is checked against
 * the account itself, uncached, so an admin demoted or deleted loses the powers at once; guest and
 * host tokens take their role as signed, since the worst a stale one can do is what that user could.
 */
export const requireUser: Middleware = (ctx, next) =>
  bearerToken(ctx, async () => {
    const claims = ctx.state.user as TokenClaims;
    if (claims.role === "admin") {
      const account = await findUser(ctx.orm, claims.sub);
      if (!account || account.tokenVersion !== claims.ver) throw revoked();
      ctx.state.user = { id: claims.sub, role: account.role } satisfies Actor;
    } else {
      const version = await currentTokenVersion(ctx, claims.sub);
      if (version !== claims.ver) throw revoked();
      ctx.state.user = { id: claims.sub, role: claims.role } satisfies Actor;
    }
    await next();
  });

/** Like requireUser, but anonymous requests go on with ctx.state.user undefined. */
export const optionalUser: Middleware = async (ctx, next) => {
  if (!ctx.get("authorization")) return next();
  return requireUser(ctx, next);
};

/**
 * The Actor requireUser established (the one place its state is read as one): 401 when the request
 * did not pass requireUser, which would be a route declared without authentication.
 */
export function actorOf(ctx: Pick<Context, "state">): Actor {
  const actor = ctx.state.user as Actor | undefined;
  if (!actor?.id) throw unauthenticated();
  return actor;
}

/** After requireUser: only these roles may go on (403 otherwise). */
export function requireRole(...roles: Role[]): Middleware {
  return async (ctx, next) => {
    if (!roles.includes(actorOf(ctx).role)) throw forbidden();
    await next();
  };
}
