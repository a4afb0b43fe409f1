import { setTimeout as sleep } from "node:timers/promises";
import type { Context, Middleware, Next } from "koa";
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
export const idempotencyHeaders = z.object({
  [IDEMPOTENCY_HEADER]: singleLine({ max: MAX_KEY_LENGTH })
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
 * `Idempotency-Key` for a POST route, after `requireUser` (keys are per user). Without the header
 * the route runs as usual. With it, the first request claims (user, scope, key) and runs; its
 * response is stored; a repeat with the same body gets that response again (same status and body,
 * header `Idempotent-Replayed: true`); a repeat with another body is 409 idempotency_conflict.
 * A duplicate that arrives while the first is still running waits up to 5 s and replays its
 * response, or gets 409 idempotency_conflict ("still in progress") if it is not done by then.
 * `scope` names the operation (e.g. "bookings.create"); the path is part of the hash, so one key
 * reused for another booking's payment is a conflict, not a replay.
 */
export function idempotent(scope: string, { orm }: Pick<AppDeps, "orm">): Middleware {
  return async (ctx, next) => {
    const raw = ctx.get(IDEMPOTENCY_HEADER);
    if (!raw) return next();
    const key = parse(idempotencyHeaders, { [IDEMPOTENCY_HEADER]: raw })[IDEMPOTENCY_HEADER] as string;
    const actor = actorOf(ctx); // idempotent() comes after requireUser
    const ref: KeyRef = { userId: actor.id, scope, key };
    const hash = requestHash(ctx.method, ctx.path, (ctx.request as { body?: unknown }).body ?? null);
    const deadline = Date.now() + WAIT_FOR_FIRST_MS;
    for (;;) {
      const found = await claimKey(orm.em, ref, hash);
      if (found.state === "claimed") return runAndStore(ctx, next, ref, orm);
      if (found.state !== "released") {
        if (found.requestHash !== hash) {
          throw conflict("idempotency_conflict", "This Idempotency-Key was already used with a different request.");
        }
        if (found.state === "done") return replay(ctx, found.response);
      }
      if (Date.now() >= deadline) {
        throw conflict(
          "idempotency_conflict",
          "A request with this Idempotency-Key is still in progress; retry later.",
        );
      }
      await sleep(POLL_MS);
    }
  };
}

function replay(ctx: Context, response: StoredResponse): void {
  ctx.status = response.status;
  ctx.body = response.body;
  ctx.set("Idempotent-Replayed", "true");
}

async function runAndStore(ctx: Context, next: Next, ref: KeyRef, orm: AppDeps["orm"]): Promise<void> {
  let outcome: StoredResponse | null;
  try {
    await next();
    outcome = isReplayable(ctx.status) ? { status: ctx.status, body: ctx.body } : null;
  } catch (err) {
    // Rendered the way the error middleware renders it, so a replay is byte-for-byte the same shape.
    outcome =
      err instanceof AppError && isReplayable(err.status)
        ? { status: err.status, body: { error: { code: err.code, message: err.message, details: err.details } } }
        : null;
    await finish(ctx, ref, orm, outcome);
    throw err;
  }
  await finish(ctx, ref, orm, outcome);
}

async function finish(ctx: Context, ref: KeyRef, orm: AppDeps["orm"], outcome: StoredResponse | null) {
  try {
    if (outcome) await saveResponse(orm.em, ref, outcome);
    else await releaseKey(orm.em, ref);
  } catch (err) {
    // The answer itself stands; a duplicate will wait, then find the row stale after a minute.
    ctx.state.log?.error({ err, scope: ref.scope }, "could not record the idempotent response");
  }
}
