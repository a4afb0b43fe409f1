import { type ILoginEvent, LoginEvent } from "../../db/entities/loginEvent.js";
import type { Orm } from "../../db/orm.js";
import { validationFailed } from "../../errors.js";

export interface LoginEventQuery {
  userId?: string;
  limit: number;
  cursor?: string;
}

export interface LoginEventPage {
  data: ILoginEvent[];
  nextCursor: string | null;
}

// Opaque to clients: base64url of "le:<id>". Ids grow with insertion, so "id below the cursor" is a
// stable newest-first walk even while new attempts are being recorded.
const CURSOR_PREFIX = "le:";

function encodeCursor(id: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${id}`).toString("base64url");
}

function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const id = text.startsWith(CURSOR_PREFIX) ? Number(text.slice(CURSOR_PREFIX.length)) : Number.NaN;
  if (!Number.isSafeInteger(id) || id < 1) {
    throw validationFailed([{ path: "cursor", message: "Not a cursor returned by this endpoint." }]);
  }
  return id;
}

/** Login attempts, newest first, optionally of one user, one page at a time. */
export async function listLoginEvents(orm: Orm, query: LoginEventQuery): Promise<LoginEventPage> {
  const before = query.cursor ? decodeCursor(query.cursor) : undefined;
  const rows = await orm.em.fork().find(
    LoginEvent,
    {
      ...(query.userId ? { userId: query.userId } : {}),
      ...(before ? { id: { $lt: before } } : {}),
    },
    { orderBy: { id: "desc" }, limit: query.limit + 1 },
  );
  const data = rows.slice(0, query.limit);
  const more = rows.length > query.limit;
  return { data, nextCursor: more ? encodeCursor(data[data.length - 1].id) : null };
}
