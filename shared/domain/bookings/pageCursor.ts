import { validationFailed } from "../../errors.js";
import { isUuid } from "../../ids.js";

/**
 * Opaque page cursors for keyset pages ordered by (created_at, id): the cursor names the last row
 * of the page and the next page's query compares against that row's own columns, so timestamps
 * keep their microseconds (a JS Date would round them and skip or repeat rows).
 */
export function encodeCursor(lastId: string): string {
  return Buffer.from(`v1:${lastId}`).toString("base64url");
}

/** The row id a cursor names; 400 validation_failed for anything that is not one of ours. */
export function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, "base64url").toString("utf8");
  const id = decoded.startsWith("v1:") ? decoded.slice(3) : "";
  if (!isUuid(id)) throw validationFailed([{ path: "cursor", message: "is not a valid cursor" }]);
  return id;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** Turns `limit + 1` fetched rows into a page: the extra row only says that there is a next page. */
export function toPage<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  const data = rows.slice(0, limit);
  return { data, nextCursor: rows.length > limit ? encodeCursor(data[data.length - 1].id) : null };
}
