import type { Redis } from "ioredis";
import { z } from "zod";
import { config } from "../../config.js";
import type { Orm } from "../../db/orm.js";
import { sql } from "../../db/sql.js";
import { isUuid } from "../../ids.js";
import { logger } from "../../logger.js";
import { defineCommand } from "../commands/define.js";
import { execute } from "../commands/execute.js";
import type { CommandDeps } from "../deps.js";
import type { Actor } from "./tokens.js";

/**
 * Token revocation by a per-account version: a token carries the version it was issued at (`ver`),
 * and is good only while the account still has that version. Logout and a password change move it
 * on (revokeTokens), which ends every earlier token at once; an account deleted (by any means, there
 * is no route for it) has no version at all, so its tokens end too.
 *
 * REST checks it on every authenticated request through a Redis cache of TOKEN_VERSION_CACHE_MS:
 * a revocation writes the new version into the cache before it answers, so it holds at once
 * everywhere; a change made straight in the database (an account deleted in SQL) is seen once the
 * cached entry lapses. Readers fill the cache with SET NX, so a reader that read PostgreSQL just
 * before a revocation cannot put the old version back over the new one. Without Redis, PostgreSQL
 * answers every check.
 */
const PREFIX = `${config.REDIS_KEY_PREFIX}token-version:`;
const GONE = "gone";
const REDIS_TIMEOUT_MS = 250;

/** Current versions from PostgreSQL, in one query; an id absent from the map has no account. */
export async function readTokenVersions(orm: Orm, userIds: string[]): Promise<Map<string, number>> {
  const ids = [...new Set(userIds)].filter(isUuid);
  if (!ids.length) return new Map();
  const rows = await orm.em
    .fork()
    .getConnection()
    .execute<{ id: string; token_version: number }[]>(`select id, token_version from users where id = any(?::uuid[])`, [
      `{${ids.join(",")}}`,
    ]);
  return new Map(rows.map((r) => [r.id, r.token_version]));
}

function fromCache(redis: Redis, userId: string): Promise<string | null | undefined> {
  if (redis.status !== "ready") return Promise.resolve(undefined);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), REDIS_TIMEOUT_MS);
  });
  const read = redis.get(PREFIX + userId).catch(() => undefined);
  return Promise.race([read, timedOut]).finally(() => clearTimeout(timer));
}

/** Writes the cache; false when Redis did not take it (away, or too slow). */
function toCache(redis: Redis, userId: string, value: string, mode: "overwrite" | "unless-set"): Promise<boolean> {
  if (config.TOKEN_VERSION_CACHE_MS === 0) return Promise.resolve(true);
  if (redis.status !== "ready") return Promise.resolve(false);
  const ttl = config.TOKEN_VERSION_CACHE_MS;
  const write =
    mode === "overwrite"
      ? redis.set(PREFIX + userId, value, "PX", ttl)
      : redis.set(PREFIX + userId, value, "PX", ttl, "NX");
  return write.then(
    () => true,
    (err: Error) => {
      logger.debug({ err: err.message }, "token version cache write failed");
      return false;
    },
  );
}

/** The account's current token version, or null when it no longer exists. */
export async function currentTokenVersion(deps: { orm: Orm; redis: Redis }, userId: string): Promise<number | null> {
  if (config.TOKEN_VERSION_CACHE_MS > 0) {
    const cached = await fromCache(deps.redis, userId);
    if (cached === GONE) return null;
    if (typeof cached === "string" && /^\d+$/.test(cached)) return Number(cached);
  }
  const version = (await readTokenVersions(deps.orm, [userId])).get(userId) ?? null;
  void toCache(deps.redis, userId, version === null ? GONE : String(version), "unless-set");
  return version;
}

/** Moves the account's version on, in one transaction; null when there is no such account. */
const bumpTokenVersion = defineCommand({
  name: "accounts.bumpTokenVersion",
  actor: "system",
  input: z.object({ userId: z.guid(), setPasswordHash: z.string().optional() }),
  async run({ input: { userId, setPasswordHash }, tx }) {
    const [row] = await sql(tx.em)<{ token_version: number }>(
      `update users set token_version = token_version + 1, updated_at = now()
           ${setPasswordHash ? ", password_hash = ?" : ""}
         where id = ? returning token_version`,
      setPasswordHash ? [setPasswordHash, userId] : [userId],
    );
    return row ? row.token_version : null;
  },
});

/**
 * Revokes every token the account holds: moves its version on, then, after the commit, writes the
 * new version to the cache. Returns the new version (what the caller's next token carries), or null
 * when there is no such account. The system's (changePassword, logout call it for their user).
 */
export const revokeTokens = defineCommand({
  name: "accounts.revokeTokens",
  actor: "system",
  input: z.object({ userId: z.guid(), setPasswordHash: z.string().optional() }),
  transaction: "self",
  async run({ input, deps }: { input: { userId: string; setPasswordHash?: string }; deps: CommandDeps }) {
    const version = await execute(bumpTokenVersion, { actor: null, input }, deps);
    const { userId } = input;
    if (version !== null && !(await toCache(deps.redis, userId, String(version), "overwrite"))) {
      // Redis is away: its cached old version (if it kept one) would let earlier tokens through until
      // it expires. Overwrite it as soon as this process sees Redis back.
      deps.redis.once("ready", () => void toCache(deps.redis, userId, String(version), "overwrite"));
    }
    return version;
  },
});

/** POST /auth/logout: every token of the caller's account ends (tokens carry no session of their own). */
export const logout = defineCommand({
  name: "accounts.logout",
  input: z.unknown(),
  transaction: "self",
  async run({ actor, deps }: { actor: Actor; deps: CommandDeps }) {
    await execute(revokeTokens, { actor: null, input: { userId: actor.id } }, deps);
  },
});
