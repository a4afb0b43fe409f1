import type { EntityManager } from "@mikro-orm/postgresql";
import type { Orm } from "../../db/orm.js";
import type { EventType } from "../../events/eventMap.js";
import { getEventPublisher, markPublished, type PublishableEvent } from "../../events/publisher.js";
import type { EventInput } from "../../events/record.js";
import { recordEvents } from "../../events/record.js";
import { logger } from "../../logger.js";
import { recordSideEffect } from "../../sideEffects/record.js";
import type { SideEffectKind, SideEffectMap } from "../../sideEffects/sideEffectMap.js";
import type { SearchChange } from "../listings/searchChanges.js";

/*
 * The unit of work of a command (moved here from shared/db/: it records events and side effects, so
 * it belongs to the domain, and db/ no longer depends on events/). Commands do not call it: execute()
 * (./execute.ts) does.
 */

/** What a command can do inside its transaction besides changing state. */
export interface CommandTx {
  em: EntityManager;
  emit<T extends EventType>(input: EventInput<T>): Promise<void>;
  sideEffect<K extends SideEffectKind>(kind: K, key: string, payload: SideEffectMap[K]): Promise<void>;
  /** What this transaction changed for search: execute() invalidates those cached answers after commit. */
  searchChanged(...changes: SearchChange[]): void;
}

/**
 * Runs `work` in one transaction: state, its events and its side effects commit together or not at
 * all. Only after the commit are the events published (fast path); if that fails they stay
 * unpublished and the worker's relay sends them. The search changes it recorded are appended to
 * `searchChanges` once it committed.
 */
export async function inUnitOfWork<R>(
  orm: Orm,
  work: (tx: CommandTx) => Promise<R>,
  searchChanges: SearchChange[] = [],
): Promise<R> {
  let events: PublishableEvent[] = [];
  const changes: SearchChange[] = [];
  const result = await orm.em.fork().transactional(async (em) => {
    const inputs: EventInput<EventType>[] = [];
    const tx: CommandTx = {
      em: em as EntityManager,
      // Buffered and written last, under the event-order lock (see recordEvents): nothing else is
      // locked after it, and the lock is held only for the INSERT and the COMMIT.
      emit: async (input) => {
        inputs.push(input as EventInput<EventType>);
      },
      sideEffect: (kind, key, payload) => recordSideEffect(em as EntityManager, kind, key, payload),
      searchChanged: (...made) => void changes.push(...made),
    };
    const value = await work(tx);
    if (inputs.length) {
      await em.flush(); // the command's pending entity changes take their row locks before the lock
      events = await recordEvents(em as EntityManager, inputs);
    }
    return value;
  });
  searchChanges.push(...changes);
  if (events.length) publishAfterCommit(orm, events);
  return result;
}

/**
 * Publishes committed events now (the fast path), without waiting: if that fails they stay
 * unpublished and the relay sends them. For commands that commit themselves (one statement).
 */
export function publishAfterCommit(orm: Orm, events: PublishableEvent[]): void {
  const publisher = getEventPublisher();
  if (!publisher) return;
  const ids = events.map((e) => e.envelope.id);
  publisher
    .publish(events)
    .then(() =>
      // The ordered publisher has marked them already; one UPDATE per command saved.
      publisher.marksPublished
        ? undefined
        : markPublished((text, params) => orm.em.getConnection().execute(text, params, "run"), ids),
    )
    .catch((err) => {
      logger.warn({ err: (err as Error).message, ids }, "publish failed; the relay will send these events");
    });
}
