import type { Context } from "koa";
import { z } from "zod";
import { notFound } from "../../../shared/errors.js";

// Any UUID-shaped id. Anything else cannot name a row, so it is a 404 like an unknown id, and it
// never reaches PostgreSQL (where a malformed uuid would be an error, not "no row").
const idSchema = z.guid();

export const idPathParams = z.object({ id: idSchema });

/** The `:id` of the route, or 404 naming what was looked for. */
export function idParam(ctx: Context, what: string): string {
  const parsed = idSchema.safeParse(ctx.params.id);
  if (!parsed.success) throw notFound(what);
  return parsed.data;
}
