import { type ILoginEvent, LoginEvent } from "../../db/entities/loginEvent.js";
import type { Orm } from "../../db/orm.js";
import { type Page, toIdPage } from "../../pagination.js";

export interface LoginEventQuery {
  userId?: string;
  limit: number;
  /** The id the previous page's cursor carries (idPageCursor): the sort key itself, compared, never looked up. */
  cursor?: string;
}

/**
 * Login attempts, newest first, optionally of one user, one page at a time. Ids grow with insertion,
 * so "id below the cursor's" is a stable newest-first walk even while new attempts are recorded.
 */
export async function listLoginEvents(orm: Orm, query: LoginEventQuery): Promise<Page<ILoginEvent>> {
  const rows = await orm.em.fork().find(
    LoginEvent,
    {
      ...(query.userId ? { userId: query.userId } : {}),
      ...(query.cursor ? { id: { $lt: Number(query.cursor) } } : {}),
    },
    { orderBy: { id: "desc" }, limit: query.limit + 1 },
  );
  return toIdPage(rows, query.limit);
}
