import type { Context, Middleware } from "koa";
import type { Strategy } from "passport";

/**
 * Runs a passport 0.7 strategy inside Koa. koa-passport bundles its own passport 0.6; strategies only
 * need the five callbacks below, so this small adapter is all the glue there is. The strategy's
 * result lands on ctx.state.user; a failure calls `onFail`.
 */
export function authenticateWith(
  strategy: Strategy,
  onFail: (ctx: Context, info: unknown) => never | Promise<never>,
): Middleware {
  return async (ctx, next) => {
    const user = await new Promise<unknown>((resolve, reject) => {
      const run = Object.create(strategy) as Strategy & {
        success(user: unknown): void;
        fail(info?: unknown): void;
        error(err: Error): void;
        redirect(): void;
        pass(): void;
      };
      run.success = (u) => resolve(u);
      run.fail = (info) => resolve({ __failed: true, info });
      run.error = reject;
      run.redirect = () => reject(new Error("redirecting strategies are not supported"));
      run.pass = () => resolve(null);
      // Passport strategies read Express-style req fields; Koa's parsed body is not on req.
      const req = Object.assign(ctx.req, { body: (ctx.request as { body?: unknown }).body ?? {} });
      (run.authenticate as (req: unknown, options: object) => void).call(run, req, {});
    });
    if (user && typeof user === "object" && "__failed" in user) {
      return onFail(ctx, (user as unknown as { info: unknown }).info);
    }
    ctx.state.user = user;
    await next();
  };
}
