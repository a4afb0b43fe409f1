import { setTimeout as sleep } from "node:timers/promises";
import type { Context, Middleware } from "koa";
import { z } from "zod";
import {
  claimKey,
  type KeyRef,
  releaseKey,
  requestHash,
  type StoredResponse,
  saveResponse,
} from "../../shared/domain/idempotency/keys.js";
import { AppError, conflict } from "../../shared/errors.js";
import { singleLine } from "../../shared/text.js";
import type { AppDeps } from "../deps.js";
import { parse } from "../validate.js";
import { actorOf } from "./auth.js";

export const IDEMPOTENCY_HEADER = "Idempotency-Key";
const MAX_KEY_LENGTH = 255;

/** The header as validated (one line of text, ≤ 255 characters) and documented by the routes that take it. */
const idempotencyKeyField = singleLine({ max: MAX_KEY_LENGTH });
export const idempotencyHeaders = z.object({
  [IDEMPOTENCY_HEADER]: idempotencyKeyField
    .optional()
    .meta({ description: "Makes retries safe (see the description)" }),
});
/** A duplicate arriving while the first request still runs waits this long for its response. */
const WAIT_FOR_FIRST_MS = 5000;
const POLL_MS = 25;

/** 2xx and 4xx are final answers worth replaying; 5xx and 429 mean "try again", so they free the key. */
const isReplayable = (status: number) =>
  (status >= 200 && status < 300) || (status >= 400 && status < 500 && status !== 429);

/**
 * Runs `work` at most once per (user, scope, key) and request hash: the first call claims the key and
 * runs; its outcome (a 2xx or final 4xx: the response, or the AppError it threw, rendered as the error
 * middleware renders it) is stored; a repeat with the same hash gets that response again (`replayed`);
 * one with another hash is 409 idempotency_conflict. A duplicate that arrives while the first is still
 * running waits up to 5 s and replays its response, or gets 409 idempotency_conflict ("still in
 * progress"). The one implementation of the Idempotency-Key rule: the REST middleware below and the
 * GraphQL mutations (server/graphql) both run through it, with the same scopes and hashes.
 */
export async function runOnceForKey(
  orm: AppDeps["orm"],
  ref: KeyRef,
  hash: string,
  work: () => Promise<StoredResponse>,
  log?: { error(obj: object, msg: string): void },
): Promise<{ response: StoredResponse; replayed: boolean }> {
  const deadline = Date.now() + WAIT_FOR_FIRST_MS;
  for (;;) {
    const found = await claimKey(orm.em, ref, hash);
    if (found.state === "claimed") return { response: await runAndStore(work, ref, orm, log), replayed: false };
    if (found.state !== "released") {
      if (found.requestHash !== hash) {
        throw conflict("idempotency_conflict", "This Idempotency-Key was already used with a different request.");
      }
      if (found.state === "done") return { response: found.response, replayed: true };
    }
    if (Date.now() >= deadline) {
      throw conflict("idempotency_conflict", "A request with this Idempotency-Key is still in progress; retry later.");
    }
    await sleep(POLL_MS);
  }
}

/** The key as validated (one line of text, ≤ 255 characters); a bad one is 400 validation_failed naming `path`. */
export function parseIdempotencyKey(raw: string, path: string = IDEMPOTENCY_HEADER): string {
  return parse(z.object({ [path]: idempotencyKeyField }), { [path]: raw })[path] as string;
}

/**
 * `Idempotency-Key` for a POST route, after `requireUser` (keys are per user). Without the header
 * the route runs as usual. With it, runOnceForKey decides: the response is stored, replayed (same
 * status and body, header `Idempotent-Replayed: true`) or refused. `scope` names the operation (e.g.
 * "bookings.create"); the path is part of the hash, so one key reused for another booking's payment
 * is a conflict, not a replay.
 */
export function idempotent(scope: string, { orm }: Pick<AppDeps, "orm">): Middleware {
  return async (ctx, next) => {
    const raw = ctx.get(IDEMPOTENCY_HEADER);
    if (!raw) return next();
    const key = parseIdempotencyKey(raw);
    const actor = actorOf(ctx); // idempotent() comes after requireUser
    const ref: KeyRef = { userId: actor.id, scope, key };
    const hash = requestHash(ctx.method, ctx.path, (ctx.request as { body?: unknown }).body ?? null);
    const { response, replayed } = await runOnceForKey(
      orm,
      ref,
      hash,
      async () => {
        await next();
        return { status: ctx.status, body: ctx.body };
      },
      ctx.state.log,
    );
    if (replayed) replay(ctx, response);
  };
}

function replay(ctx: Context, response: StoredResponse): void {
  ctx.status = response.status;
  ctx.body = response.body;
  ctx.set("Idempotent-Replayed", "true");
}

async function runAndStore(
  work: () => Promise<StoredResponse>,
  ref: KeyRef,
  orm: AppDeps["orm"],
  log?: { error(obj: object, msg: string): void },
): Promise<StoredResponse> {
  let response: StoredResponse;
  try {
    response = await work();
  } catch (err) {
    // Rendered the way the error middleware renders it, so a replay is byte-for-byte the same shape.
    const outcome =
      err instanceof AppError && isReplayable(err.status)
        ? { status: err.status, body: { error: { code: err.code, message: err.message, details: err.details } } }
        : null;
    await finish(ref, orm, outcome, log);
    throw err;
  }
  await finish(ref, orm, isReplayable(response.status) ? response : null, log);
  return response;
}

async function finish(
  ref: KeyRef,
  orm: AppDeps["orm"],
  outcome: StoredResponse | null,
  log?: { error(obj: object, msg: string): void },
) {
  try {
    if (outcome) await saveResponse(orm.em, ref, outcome);
    else await releaseKey(orm.em, ref);
  } catch (err) {
    // The answer itself stands; a duplicate will wait, then find the row stale after a minute.
    log?.error({ err, scope: ref.scope }, "could not record the idempotent response");
  }
}
