import type { EntityManager } from "@mikro-orm/postgresql";
import { z } from "zod";
import type { Actor } from "../accounts/tokens.js";
import type { DatabaseDeps } from "../deps.js";
import type { SearchChange } from "../listings/searchChanges.js";
import type { DatabaseErrorRules } from "./databaseErrors.js";
import type { CommandTx } from "./unitOfWork.js";

/*
 * Every use case is one of these, entered through execute() / query() (./execute.ts), which own what
 * every command needs and none should write again: parsing the input (400 validation_failed), the
 * transaction, mapping PostgreSQL refusals to API errors, publishing events after commit, and the
 * invalidation of the cached searches its changes affect.
 *
 * `actor` says who runs it: "user" (the default; run gets the signed-in Actor) or "system" (worker
 * sweeps, webhooks, scripts; run gets null). `D` is what it needs besides the database and Redis (e.g.
 * the Chapa client).
 */

export type RunBy = "user" | "system";
export type ActorOf<K extends RunBy> = K extends "system" ? null : Actor;

interface Common<S extends z.ZodType, R, K extends RunBy, D extends DatabaseDeps> {
  /** Names the command in logs, metrics and errors: "bookings.create". */
  name: string;
  input: S;
  /**
   * What it changed for search, from its result, for cached answers to be invalidated after commit.
   * Commands in a unit of work may instead record it on `tx.searchChanged` from the rows they change
   * (both count). A command that executes others leaves it to them.
   */
  searchChanges?: (result: R, input: z.output<S>) => SearchChange[];
  /** How the PostgreSQL refusals this command expects become API errors (see databaseErrors.ts). */
  errors?: DatabaseErrorRules;
  /** Who runs it (default "user"). */
  actor?: K;
  /**
   * The outcome label of a success in nexus_commands_total (default "ok"): e.g. a settlement's
   * "succeeded" or "failed". Keep it to a few fixed values.
   */
  outcome?: (result: R) => string;
  /**
   * A policy check on the actor alone, before the input is parsed: someone who may never do this is
   * told so (403), not how to fix a body they cannot use.
   */
  authorize?: (actor: ActorOf<K>) => void;
  /** Type-only: what it needs besides the database and Redis (never read). */
  readonly _deps?: D;
}

/** A command run in execute()'s unit of work: `tx` records its events and side effects with the state. */
export interface UnitOfWorkCommand<S extends z.ZodType, R, K extends RunBy, D extends DatabaseDeps>
  extends Common<S, R, K, D> {
  transaction?: "unitOfWork";
  run(ctx: { actor: ActorOf<K>; input: z.output<S>; tx: CommandTx; deps: D }): Promise<R>;
}

/**
 * A command that commits by itself (one statement that is its own transaction, the hot booking path,
 * or several transactions in batches): it gets no `tx`; after committing events it calls
 * `committedEvents()` so that the event relay takes them at once. It may execute() other commands.
 */
export interface SelfCommittingCommand<S extends z.ZodType, R, K extends RunBy, D extends DatabaseDeps>
  extends Common<S, R, K, D> {
  transaction: "self";
  run(ctx: { actor: ActorOf<K>; input: z.output<S>; deps: D; committedEvents(): void }): Promise<R>;
}

export type Command<
  S extends z.ZodType = z.ZodType,
  R = unknown,
  K extends RunBy = RunBy,
  D extends DatabaseDeps = DatabaseDeps,
> = UnitOfWorkCommand<S, R, K, D> | SelfCommittingCommand<S, R, K, D>;

export function defineCommand<S extends z.ZodType, R, K extends RunBy = "user", D extends DatabaseDeps = DatabaseDeps>(
  command: UnitOfWorkCommand<S, R, K, D>,
): UnitOfWorkCommand<S, R, K, D>;
export function defineCommand<S extends z.ZodType, R, K extends RunBy = "user", D extends DatabaseDeps = DatabaseDeps>(
  command: SelfCommittingCommand<S, R, K, D>,
): SelfCommittingCommand<S, R, K, D>;
export function defineCommand(command: Command): Command {
  return command;
}

/** A read: same shape, no transaction of its own unless it opens one; `em` is a fresh fork. */
export interface Query<
  S extends z.ZodType = z.ZodType,
  R = unknown,
  K extends RunBy = RunBy,
  D extends DatabaseDeps = DatabaseDeps,
> {
  name: string;
  input: S;
  errors?: DatabaseErrorRules;
  actor?: K;
  readonly _deps?: D;
  run(ctx: { actor: ActorOf<K>; input: z.output<S>; em: EntityManager; deps: D }): Promise<R>;
}

export function defineQuery<S extends z.ZodType, R, K extends RunBy = "user", D extends DatabaseDeps = DatabaseDeps>(
  query: Query<S, R, K, D>,
): Query<S, R, K, D> {
  return query;
}

/**
 * The input of a command on one resource: the path's ids (`{ listingId }`) plus a body schema of its
 * own, which may be strict or refined (and so cannot be extended). Each part is parsed on its own and
 * their issues keep their paths, so a body's errors name the body's fields exactly.
 */
export function withIds<I extends z.ZodRawShape, B extends z.ZodType>(ids: I, body: B) {
  const idSchema = z.object(ids);
  const keys = Object.keys(ids);
  return z.record(z.string(), z.unknown()).transform((value, ctx) => {
    const rest = Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key)));
    const own = Object.fromEntries(Object.entries(value).filter(([key]) => keys.includes(key)));
    const parsedIds = idSchema.safeParse(own);
    const parsedBody = body.safeParse(rest);
    for (const issue of [...(parsedIds.error?.issues ?? []), ...(parsedBody.error?.issues ?? [])]) {
      ctx.issues.push({ ...issue, input: value } as (typeof ctx.issues)[number]);
    }
    if (!parsedIds.success || !parsedBody.success) return z.NEVER;
    return { ...(parsedBody.data as object), ...parsedIds.data } as z.output<typeof idSchema> & z.output<B>;
  });
}
