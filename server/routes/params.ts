import type { Context } from "koa";
import { z } from "zod";
import { notFound } from "../../shared/errors.js";
import { isUuid } from "../../shared/ids.js";

/** The `{id}` path parameter, for describeRoute. */
export const idPathParams = z.object({ id: z.uuid() });

/**
 * The route's `:id`, or 404 naming what was looked for: a malformed id names no row, like an
 * unknown one (never a 500 from the uuid cast).
 */
export function idParam(ctx: Pick<Context, "params">, what: string): string {
  const id = ctx.params.id;
  if (!isUuid(id)) throw notFound(what);
  return id;
}
