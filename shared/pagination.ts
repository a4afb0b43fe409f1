import { z } from "zod";
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
 * Every list is a keyset page in (created_at, id) order, newest or oldest first (login events: id
 * order, their ids being a sequence). Its opaque cursor names the last row of the page, and the next
 * page compares against that row's own columns in SQL,
 * so timestamps keep their microseconds (a JS Date has milliseconds: rows created in the same
 * millisecond would be skipped or repeated). Paged tables never delete rows (listings are archived,
 * bookings cancelled), so the row a cursor names is still there; a forged one gives an empty page.
 */

export function encodeCursor(lastId: string): string {
  return Buffer.from(`v1:${lastId}`).toString("base64url");
}

/** The row id a cursor names, or null when it is not one of ours (`isId` says what an id looks like). */
export function decodeCursor(cursor: string, isId: (id: string) => boolean = isUuid): string | null {
  const decoded = Buffer.from(cursor, "base64url").toString("utf8");
  const id = decoded.startsWith("v1:") ? decoded.slice(3) : "";
  return isId(id) ? id : null;
}

/** `?cursor=`: the nextCursor of the previous page, parsed to the row id it names (400 otherwise). */
export function pageCursorOf(isId: (id: string) => boolean) {
  return singleLine({ max: 200 })
    .transform((raw, ctx) => {
      const id = decodeCursor(raw, isId);
      if (!id) {
        ctx.issues.push({ code: "custom", message: "is not a cursor returned by this API", input: raw });
        return z.NEVER;
      }
      return id;
    })
    .meta({ description: "The nextCursor of the previous page." });
}

/** The cursor of lists whose rows have UUIDs (all but login events). */
export const pageCursor = pageCursorOf(isUuid);

/**
 * SQL condition "this row comes after the cursor's row" for rows of `table` aliased `alias`, in
 * (created_at, id) order newest or oldest first; one parameter: the cursor's row id.
 */
export function afterCursorSql(table: string, alias: string, order: "newest" | "oldest"): string {
  const op = order === "newest" ? "<" : ">";
  return `(${alias}.created_at, ${alias}.id) ${op} (select c.created_at, c.id from ${table} c where c.id = ?)`;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** Turns `limit + 1` fetched rows into a page: the extra row only says that there is a next page. */
export function toPage<T extends { id: string | number }>(rows: T[], limit: number): Page<T> {
  const data = rows.slice(0, limit);
  return { data, nextCursor: rows.length > limit ? encodeCursor(String(data[data.length - 1].id)) : null };
}
