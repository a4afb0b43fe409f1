import type { Middleware } from "koa";
import { ExtractJwt, Strategy as JwtStrategy } from "passport-jwt";
import { findUser } from "../../shared/domain/accounts/findUser.js";
import { type Actor, JWT_ALGORITHM, jwtKey } from "../../shared/domain/accounts/tokens.js";
import { forbidden, unauthenticated } from "../../shared/errors.js";
import type { Role } from "../../shared/events/eventMap.js";
import { authenticateWith } from "./passport.js";

const bearer = new JwtStrategy(
  {
    jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
    // passport-jwt hands this to jsonwebtoken unchanged; its types predate KeyObject support.
    secretOrKey: jwtKey as unknown as Buffer,
    algorithms: [JWT_ALGORITHM],
  },
  (claims: { sub?: string; role?: Role }, done: (err: unknown, user?: Actor | false) => void) => {
    if (!claims.sub || !claims.role) return done(null, false);
    done(null, { id: claims.sub, role: claims.role });
  },
);

const bearerToken = authenticateWith(bearer, () => {
  throw unauthenticated("A valid bearer token is required.");
});

/**
 * Requires a valid bearer token: ctx.state.user becomes the Actor, or the request is 401.
 * A token claiming admin is checked against the account, so an admin demoted or deleted loses the
 * powers at once rather than when the token expires; guest and host tokens (every hot path) are
 * taken as signed, since the worst a stale one can do is what that user could do anyway.
 */
export const requireUser: Middleware = (ctx, next) =>
  bearerToken(ctx, async () => {
    const actor = ctx.state.user as Actor;
    if (actor.role === "admin") {
      const account = await findUser(ctx.orm, actor.id);
      if (!account) throw unauthenticated("This token's account no longer exists.");
      ctx.state.user = { id: actor.id, role: account.role } satisfies Actor;
    }
    await next();
  });

/** Like requireUser, but anonymous requests go on with ctx.state.user undefined. */
export const optionalUser: Middleware = async (ctx, next) => {
  if (!ctx.get("authorization")) return next();
  return requireUser(ctx, next);
};

/** After requireUser: only these roles may go on (403 otherwise). */
export function requireRole(...roles: Role[]): Middleware {
  return async (ctx, next) => {
    const actor = ctx.state.user as Actor;
    if (!roles.includes(actor.role)) throw forbidden();
    await next();
  };
}
