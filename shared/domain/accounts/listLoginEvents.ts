import { z } from "zod";
import { type ILoginEvent, LoginEvent } from "../../db/entities/loginEvent.js";
import { idPageCursor, type Page, pageLimit, toIdPage } from "../../pagination.js";
import { defineQuery } from "../commands/define.js";

/** GET /admin/login-events' query. */
export const loginEventsInput = z.object({
  userId: z.uuid("Not a user id.").optional(),
  limit: pageLimit,
  // Login events are ordered by their sequence id alone: the cursor carries that id.
  cursor: idPageCursor.optional(),
});

/**
 * Login attempts, newest first, optionally of one user, one page at a time (admins: the route
 * requires the role). Ids grow with insertion, so "id below the cursor's" is a stable newest-first
 * walk even while new attempts are recorded; the cursor's id is compared, never looked up.
 */
export const listLoginEvents = defineQuery({
  name: "accounts.listLoginEvents",
  input: loginEventsInput,
  async run({ input, em }): Promise<Page<ILoginEvent>> {
    const rows = await em.find(
      LoginEvent,
      {
        ...(input.userId ? { userId: input.userId } : {}),
        ...(input.cursor ? { id: { $lt: Number(input.cursor) } } : {}),
      },
      { orderBy: { id: "desc" }, limit: input.limit + 1 },
    );
    return toIdPage(rows, input.limit);
  },
});

/** GET /me/login-events' query: the caller's own attempts (no userId: it is the caller). */
export const myLoginEventsInput = z.object({ limit: pageLimit, cursor: idPageCursor.optional() });

/** The caller's own login history, newest first, paginated as the admin list (any signed-in user). */
export const listMyLoginEvents = defineQuery({
  name: "accounts.listMyLoginEvents",
  input: myLoginEventsInput,
  async run({ actor, input, em }): Promise<Page<ILoginEvent>> {
    const rows = await em.find(
      LoginEvent,
      { userId: actor.id, ...(input.cursor ? { id: { $lt: Number(input.cursor) } } : {}) },
      { orderBy: { id: "desc" }, limit: input.limit + 1 },
    );
    return toIdPage(rows, input.limit);
  },
});
