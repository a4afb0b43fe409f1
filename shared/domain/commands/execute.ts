import type { EntityManager } from "@mikro-orm/postgresql";
import type { z } from "zod";
import { isServiceUnavailableError } from "../../db/unavailable.js";
import { AppError, type ErrorDetail, validationFailed } from "../../errors.js";
import { commandDuration, commandsTotal } from "../../metrics.js";
import type { CommandDeps, DatabaseDeps } from "../deps.js";
import { invalidateSearchCache } from "../listings/searchCache.js";
import { mapDatabaseError } from "./databaseErrors.js";
import type { ActorOf, CacheName, Command, Query, RunBy } from "./define.js";
import { inUnitOfWork, publishAfterCommit } from "./unitOfWork.js";

/** zod issues as API.md's error details: one per bad field, "(body)" for the whole input. */
export function zodDetails(err: z.ZodError): ErrorDetail[] {
  return err.issues.map((issue) => ({ path: issue.path.join(".") || "(body)", message: issue.message }));
}

/** Parses input with a zod schema, or throws 400 validation_failed naming each bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationFailed(zodDetails(result.error));
  return result.data;
}

const INVALIDATE: Record<CacheName, (deps: DatabaseDeps) => Promise<void>> = {
  search: (deps) => invalidateSearchCache(redisOf(deps)),
};

function redisOf(deps: DatabaseDeps) {
  const { redis } = deps as Partial<CommandDeps>;
  if (!redis) throw new Error("a command that invalidates a cache needs Redis in its deps");
  return redis;
}

/**
 * The one door of every command: parses `input` (400), runs the command in its unit of work (or lets
 * it commit itself, `transaction: "self"`), maps PostgreSQL refusals to API errors, publishes its
 * events after commit, and drops the caches it declares stale before returning.
 */
export async function execute<S extends z.ZodType, R, K extends RunBy, D extends DatabaseDeps>(
  command: Command<S, R, K, D>,
  call: { actor: ActorOf<K>; input: z.input<S> | z.output<S> },
  deps: D,
): Promise<R> {
  const timer = commandDuration.startTimer({ command: command.name });
  try {
    const result = await runCommand(command, call, deps);
    commandsTotal.inc({ command: command.name, outcome: command.outcome?.(result) ?? "ok" });
    return result;
  } catch (err) {
    commandsTotal.inc({ command: command.name, outcome: outcomeOf(err) });
    throw err;
  } finally {
    timer();
  }
}

/** A refusal's API code (a booking conflict is "dates_unavailable"); "unavailable" when PostgreSQL is out of reach. */
function outcomeOf(err: unknown): string {
  if (err instanceof AppError) return err.code;
  if (isServiceUnavailableError(err)) return "unavailable";
  return "error";
}

async function runCommand<S extends z.ZodType, R, K extends RunBy, D extends DatabaseDeps>(
  command: Command<S, R, K, D>,
  call: { actor: ActorOf<K>; input: z.input<S> | z.output<S> },
  deps: D,
): Promise<R> {
  const { actor } = call;
  command.authorize?.(actor);
  const input = parseInput(command.input, call.input);
  let result: R;
  try {
    result =
      command.transaction === "self"
        ? await command.run({ actor, input, deps, published: (events) => publishAfterCommit(deps.orm, events) })
        : await inUnitOfWork(deps.orm, (tx) => command.run({ actor, input, tx, deps }));
  } catch (err) {
    throw mapDatabaseError(err, command.errors);
  }
  for (const [cache, when] of Object.entries(command.invalidates ?? {}) as [CacheName, unknown][]) {
    const stale = typeof when === "function" ? (when as (r: R, i: typeof input) => boolean)(result, input) : !!when;
    if (stale) await INVALIDATE[cache](deps);
  }
  return result;
}

/** The door of every read: parses `input` (400), runs it on a fresh EntityManager, maps PostgreSQL refusals. */
export async function query<S extends z.ZodType, R, K extends RunBy, D extends DatabaseDeps>(
  read: Query<S, R, K, D>,
  call: { actor: ActorOf<K>; input: z.input<S> | z.output<S> },
  deps: D,
  em: EntityManager = deps.orm.em.fork() as EntityManager,
): Promise<R> {
  const input = parseInput(read.input, call.input);
  try {
    return await read.run({ actor: call.actor, input, em, deps });
  } catch (err) {
    throw mapDatabaseError(err, read.errors);
  }
}
