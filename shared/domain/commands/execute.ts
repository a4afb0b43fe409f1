import type { EntityManager } from "@mikro-orm/postgresql";
import type { z } from "zod";
import { isServiceUnavailableError } from "../../db/unavailable.js";
import { AppError, type ErrorDetail, validationFailed } from "../../errors.js";
import { eventsCommitted } from "../../events/relay.js";
import { logger } from "../../logger.js";
import { commandDuration, commandsTotal } from "../../metrics.js";
import type { CommandDeps, DatabaseDeps } from "../deps.js";
import { readAfterCommit } from "../listings/replicaReads.js";
import { invalidateAllSearches, invalidateSearches } from "../listings/searchCache.js";
import { UNKNOWN_LSN } from "../listings/searchCacheScripts.js";
import { placesOf, type SearchChange, withPlacesLowered } from "../listings/searchChanges.js";
import { mapDatabaseError } from "./databaseErrors.js";
import type { ActorOf, Command, Query, RunBy } from "./define.js";
import { inUnitOfWork } from "./unitOfWork.js";

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

/**
 * After a commit that changed search: the primary's WAL position (for replica readers), then the
 * cached answers those changes can affect. Never throws: the commit stands whatever happens here.
 */
async function afterSearchChanges(deps: DatabaseDeps, command: string, changes: SearchChange[]): Promise<void> {
  const { redis } = deps as Partial<CommandDeps>;
  if (!redis) {
    // A programming error (a script running commands without Redis), but the commit has happened.
    logger.error({ command }, "a command changed search results but has no Redis to invalidate cached searches");
    return;
  }
  const facts = await readAfterCommit(deps.orm, placesOf(changes));
  // Without the database's lowered places the changes cannot be tagged exactly: end every answer.
  if (!facts) return invalidateAllSearches(redis, UNKNOWN_LSN);
  await invalidateSearches(redis, withPlacesLowered(changes, facts.lowered), facts.lsn);
}

/**
 * The one door of every command: parses `input` (400), runs the command in its unit of work (or lets
 * it commit itself, `transaction: "self"`), maps PostgreSQL refusals to API errors, publishes its
 * events after commit, and ends the cached searches its changes affect before returning.
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
  const changes: SearchChange[] = [];
  try {
    result =
      command.transaction === "self"
        ? await command.run({ actor, input, deps, committedEvents: eventsCommitted })
        : await inUnitOfWork(deps.orm, (tx) => command.run({ actor, input, tx, deps }), changes);
  } catch (err) {
    throw mapDatabaseError(err, command.errors);
  }
  changes.push(...(command.searchChanges?.(result, input) ?? []));
  if (changes.length) await afterSearchChanges(deps, command.name, changes);
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
