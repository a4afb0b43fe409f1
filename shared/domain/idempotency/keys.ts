import { createHash } from "node:crypto";
import type { EntityManager } from "@mikro-orm/postgresql";
import { validationFailed } from "../../errors.js";

/**
 * The `idempotency_keys` table: (user, scope, key) → the request's hash and, once it finished, its
 * response. The row is inserted BEFORE the request runs, so of two concurrent duplicates exactly
 * one claims it (primary key) and runs; the other sees the row. Statements run outside any command
 * transaction (autocommit): the claim must be visible to the duplicate at once.
 */
export interface KeyRef {
  userId: string;
  scope: string;
  key: string;
}

export interface StoredResponse {
  status: number;
  body: unknown;
}

export type KeyState =
  | { state: "claimed" }
  | { state: "done"; requestHash: string; response: StoredResponse }
  | { state: "in_progress"; requestHash: string }
  | { state: "released" };

/** A row left in progress this long belongs to a request that died (crash, restart): take it over. */
const STALE_AFTER_SECONDS = 60;

/** Deeper than any body the parser lets through (MAX_BODY_DEPTH): recursion can never overflow the stack. */
const MAX_DEPTH = 64;

/** Keys sort their object members, so `{a,b}` and `{b,a}` are the same request. */
function canonicalJson(value: unknown, depth = 0): string {
  if (depth > MAX_DEPTH) throw validationFailed([{ path: "(body)", message: "nests too deeply" }]);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v, depth + 1)).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v, depth + 1)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** What makes two requests "the same": method, path (it carries ids) and the canonical body. */
export function requestHash(method: string, path: string, body: unknown): string {
  return createHash("sha256")
    .update(`${method} ${path}\n${canonicalJson(body)}`)
    .digest("hex");
}

/** Claims the key for this request, or says who has it and how far they got. */
export async function claimKey(em: EntityManager, ref: KeyRef, hash: string): Promise<KeyState> {
  const conn = em.getConnection();
  const claimed = await conn.execute(
    `insert into idempotency_keys (user_id, scope, key, request_hash) values (?, ?, ?, ?)
     on conflict do nothing returning 1 as ok`,
    [ref.userId, ref.scope, ref.key, hash],
  );
  if (claimed.length) return { state: "claimed" };
  const taken = await conn.execute(
    `update idempotency_keys set created_at = now()
      where user_id = ? and scope = ? and key = ? and request_hash = ? and status_code is null
        and created_at < now() - make_interval(secs => ?)
      returning 1 as ok`,
    [ref.userId, ref.scope, ref.key, hash, STALE_AFTER_SECONDS],
  );
  if (taken.length) return { state: "claimed" };
  const [row] = await conn.execute<{ request_hash: string; status_code: number | null; response: unknown }[]>(
    "select request_hash, status_code, response from idempotency_keys where user_id = ? and scope = ? and key = ?",
    [ref.userId, ref.scope, ref.key],
  );
  if (!row) return { state: "released" };
  if (row.status_code === null) return { state: "in_progress", requestHash: row.request_hash };
  const stored = (typeof row.response === "string" ? JSON.parse(row.response) : row.response) as { body: unknown };
  return { state: "done", requestHash: row.request_hash, response: { status: row.status_code, body: stored.body } };
}

export async function saveResponse(em: EntityManager, ref: KeyRef, response: StoredResponse): Promise<void> {
  await em
    .getConnection()
    .execute(
      "update idempotency_keys set status_code = ?, response = ?::jsonb where user_id = ? and scope = ? and key = ?",
      [response.status, JSON.stringify({ body: response.body ?? null }), ref.userId, ref.scope, ref.key],
    );
}

/** Forgets a claim whose request failed in a way worth retrying (5xx, 429). */
export async function releaseKey(em: EntityManager, ref: KeyRef): Promise<void> {
  await em
    .getConnection()
    .execute("delete from idempotency_keys where user_id = ? and scope = ? and key = ? and status_code is null", [
      ref.userId,
      ref.scope,
      ref.key,
    ]);
}
