import { isUuid } from "../../ids.js";
/**
 * Opaque cursors for lists ordered by (created_at desc, id desc). The timestamp travels as text with
 * its microseconds: a JS Date keeps only milliseconds, and rows created in the same millisecond
 * would then be skipped or repeated between pages.
 */
export interface Position {
  /** created_at, exact, in UTC: 2030-01-15T10:20:30.123456Z */
  at: string;
  id: string;
}

const EXACT_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** SQL giving a timestamptz column as the exact text a Position holds. */
export const exactTimestampSql = (column: string) =>
  `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** SQL condition "this row comes after the cursor" for the (created_at desc, id desc) order; 2 parameters. */
export const afterPositionSql = (createdAt: string, id: string) => `(${createdAt}, ${id}) < (?::timestamptz, ?::uuid)`;

export function encodeCursor(position: Position): string {
  return Buffer.from(`${position.at}|${position.id}`).toString("base64url");
}

/** The position a cursor stands for, or null when it is not one of ours. */
export function decodeCursor(raw: string): Position | null {
  const [at, id, extra] = Buffer.from(raw, "base64url").toString("utf8").split("|");
  if (extra !== undefined || !EXACT_AT.test(at ?? "") || !isUuid(id)) return null;
  // The regex lets 2030-02-31 through; PostgreSQL would refuse it with an error, so check the calendar here.
  const date = new Date(`${at.slice(0, 23)}Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 19) !== at.slice(0, 19)) return null;
  if (date.getUTCFullYear() < 1970) return null;
  return { at, id };
}

/** One page out of `limit + 1` fetched rows: the extra row only tells that there is a next page. */
export function pageOf<T>(
  rows: T[],
  limit: number,
  positionOf: (row: T) => Position,
): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(positionOf(last)) : null };
}
