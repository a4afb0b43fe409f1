import { createHmac, timingSafeEqual } from "node:crypto";
import type { EntityManager } from "@mikro-orm/postgresql";
import { z } from "zod";
import { config } from "./config.js";
import { sql } from "./db/sql.js";
import { isUuid } from "./ids.js";
import { digits, singleLine } from "./text.js";

/** API.md's list convention: `?limit=` defaults to 20, at most 100. One definition for every list. */
export const PAGE_LIMIT_DEFAULT = 20;
export const PAGE_LIMIT_MAX = 100;

// Digits only: "", "1e1" or "0x10" are refused, not coerced.
export const pageLimit = digits({ min: 1, max: PAGE_LIMIT_MAX })
  .default(PAGE_LIMIT_DEFAULT)
  .meta({ description: `Page size, 1–${PAGE_LIMIT_MAX} (default ${PAGE_LIMIT_DEFAULT})` });

/*
 * Every list is a keyset page: in (created_at, id) order, newest or oldest first (login events: id
 * order, their ids being a sequence). Its opaque cursor CARRIES the sort key of the page's last row
 * (created_at to the microsecond, and the id), and the next page compares rows' keys with it in SQL.
 * Nothing is looked up by the cursor, so a cursor can only position a list among the caller's own
 * rows: whoever forges one naming another user's row learns nothing (issue 12: a lookup by id used to
 * place the page at that row). Microseconds, not a JS Date's milliseconds: rows created in the same
 * millisecond would otherwise be skipped or repeated.
 *
 * A cursor is "v2:" + the key's parts joined by "|", in base64url, then "." and a MAC of it (HMAC-SHA256
 * keyed from JWT_SECRET, so every web instance accepts every other's): only cursors this API handed out
 * pass. Anything else (a forged key, a v1 cursor, which named a row id, bytes that are not ours) is 400
 * validation_failed, and the client starts from page one.
 */

const VERSION = "v2:";
const SEPARATOR = "|";
const MAC_BYTES = 16;

let macKey: Buffer | null = null;
function mac(payload: string): Buffer {
  macKey ??= createHmac("sha256", config.JWT_SECRET).update("nexus pagination cursors").digest();
  return createHmac("sha256", macKey).update(payload).digest().subarray(0, MAC_BYTES);
}

/** A signed, opaque cursor carrying `parts` (see above). */
export function encodeCursor(parts: string[]): string {
  const payload = VERSION + parts.join(SEPARATOR);
  return `${Buffer.from(payload).toString("base64url")}.${mac(payload).toString("base64url")}`;
}

function decodeCursor(cursor: string): string[] | null {
  const [body, signature, ...rest] = cursor.split(".");
  if (!body || !signature || rest.length) return null;
  const payload = Buffer.from(body, "base64url").toString("utf8");
  const given = Buffer.from(signature, "base64url");
  const expected = mac(payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return payload.startsWith(VERSION) ? payload.slice(VERSION.length).split(SEPARATOR) : null;
}

/** Where a (created_at, id) page ended: its last row's created_at (ISO, microseconds, UTC) and id. */
export interface CursorKey {
  at: string;
  id: string;
}

const MICROSECOND_ISO = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3})\d{3}Z$/;

/** A real instant (no 2026-02-30, no year 0, which PostgreSQL refuses): it survives a round trip through Date. */
export function isInstant(at: string): boolean {
  const millis = MICROSECOND_ISO.exec(at)?.[1];
  if (!millis) return false;
  const date = new Date(`${millis}Z`);
  return !Number.isNaN(date.getTime()) && date.getUTCFullYear() >= 1 && date.toISOString().startsWith(millis);
}

/** `?cursor=` whose parts `read` turns into a key (null: not one of ours, 400). */
export function cursorSchema<T>(read: (parts: string[]) => T | null) {
  return singleLine({ max: 200 })
    .transform((raw, ctx) => {
      const parts = decodeCursor(raw);
      const key = parts ? read(parts) : null;
      if (key === null) {
        ctx.issues.push({ code: "custom", message: "is not a cursor returned by this API", input: raw });
        return z.NEVER;
      }
      return key;
    })
    .meta({
      description:
        "The nextCursor of the previous page (opaque, signed). A cursor this API did not hand out (made up, " +
        "altered, or of the old format) is 400 validation_failed: start again from the first page.",
    });
}

/** `?cursor=` of the (created_at, id) lists: the key it carries (400 when it is not one of ours). */
export const pageCursor = cursorSchema<CursorKey>((parts) => {
  const [at, id, ...rest] = parts;
  return rest.length === 0 && at !== undefined && id !== undefined && isInstant(at) && isUuid(id) ? { at, id } : null;
});

/** `?cursor=` of the lists ordered by a numeric id alone (login events): that id, their whole sort key. */
export const idPageCursor = cursorSchema<string>((parts) =>
  parts.length === 1 && /^[1-9]\d{0,15}$/.test(parts[0]) ? parts[0] : null,
);

/**
 * "This row comes after the cursor" over `alias`, in (created_at, id) order newest or oldest first:
 * a comparison with the cursor's own key, never a lookup of the row it came from.
 */
export function afterCursor(
  alias: string,
  order: "newest" | "oldest",
  cursor: CursorKey,
): { sql: string; params: unknown[] } {
  const op = order === "newest" ? "<" : ">";
  return { sql: `(${alias}.created_at, ${alias}.id) ${op} (?::timestamptz, ?::uuid)`, params: [cursor.at, cursor.id] };
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/**
 * Turns `limit + 1` fetched rows of `table` (a (created_at, id) list) into a page: the extra row only says
 * that there is a next page, whose cursor carries the last row's key. Views carry created_at to the
 * millisecond, so the exact value is read back by id: one row the caller has just been shown.
 */
export async function toKeysetPage<T extends { id: string; createdAt: string }>(
  em: EntityManager,
  table: string,
  rows: T[],
  limit: number,
): Promise<Page<T>> {
  const data = rows.slice(0, limit);
  if (rows.length <= limit) return { data, nextCursor: null };
  const last = data[data.length - 1];
  const [found] = await sql(em)<{ at: string }>(
    `select to_char(c.created_at at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at from ${table} c where c.id = ?`,
    [last.id],
  );
  // Paged rows are never deleted (listings are archived, bookings cancelled); should one vanish meanwhile,
  // its millisecond value still positions the next page, at worst repeating rows of that millisecond.
  const at = found?.at ?? last.createdAt.replace("Z", "000Z");
  return { data, nextCursor: encodeCursor([at, last.id]) };
}

/** `?limit=&cursor=` of a (created_at, id) list. */
export const pageInput = z.object({ limit: pageLimit, cursor: pageCursor.optional() });

/**
 * One keyset page of a (created_at, id) list, the one helper every such list uses (bookings, messages,
 * reviews): `where`/`params` select the caller's rows; `fetch` runs the list's own SELECT with the
 * where clause, its parameters and the order-and-limit it is given (`limit + 1` rows, to know whether
 * a next page exists).
 */
export async function keysetPage<T extends { id: string; createdAt: string }>(
  em: EntityManager,
  list: {
    table: string;
    alias: string;
    order: "newest" | "oldest";
    where: string[];
    params: unknown[];
    page: { limit: number; cursor?: CursorKey };
  },
  fetch: (where: string, params: unknown[], orderAndLimit: string) => Promise<T[]>,
): Promise<Page<T>> {
  const { alias, page } = list;
  const where = [...list.where];
  const params = [...list.params];
  if (page.cursor) {
    const after = afterCursor(alias, list.order, page.cursor);
    where.push(after.sql);
    params.push(...after.params);
  }
  const direction = list.order === "newest" ? " desc" : "";
  const rows = await fetch(
    where.join(" and "),
    [...params, page.limit + 1],
    `order by ${alias}.created_at${direction}, ${alias}.id${direction} limit ?`,
  );
  return toKeysetPage(em, list.table, rows, page.limit);
}

/** The same for lists ordered by a numeric id alone (login events), whose id is the whole key. */
export function toIdPage<T extends { id: string | number }>(rows: T[], limit: number): Page<T> {
  const data = rows.slice(0, limit);
  return { data, nextCursor: rows.length > limit ? encodeCursor([String(data[data.length - 1].id)]) : null };
}
