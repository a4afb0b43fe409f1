import type { EntityManager } from "@mikro-orm/postgresql";
import type { EventType } from "../events/eventMap.js";
import { getEventPublisher, markPublished, type PublishableEvent } from "../events/publisher.js";
import type { EventInput } from "../events/record.js";
import { recordEvents } from "../events/record.js";
import { logger } from "../logger.js";
import { recordSideEffect } from "../sideEffects/record.js";
import type { SideEffectKind, SideEffectMap } from "../sideEffects/sideEffectMap.js";
import type { Orm } from "./orm.js";

/** What a command can do inside its transaction besides changing state. */
export interface CommandTx {
  em: EntityManager;
  emit<T extends EventType>(input: EventInput<T>): Promise<void>;
  sideEffect<K extends SideEffectKind>(kind: K, key: string, payload: SideEffectMap[K]): Promise<void>;
}

/**
 * Runs one domain command in one transaction: state, its events and its side effects commit
 * together or not at all. Only after the commit are the events published (fast path); if that
 * fails they stay unpublished and the worker's relay sends them.
 */
export async function runCommand<R>(orm: Orm, command: (tx: CommandTx) => Promise<R>): Promise<R> {
  let events: PublishableEvent[] = [];
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
    };
    const value = await command(tx);
    if (inputs.length) {
      await em.flush(); // the command's pending entity changes take their row locks before the lock
      events = await recordEvents(em as EntityManager, inputs);
    }
    return value;
  });
  if (events.length) publishAfterCommit(orm, events);
  return result;
}

/**
 * Publishes committed events now (the fast path), without waiting: if that fails they stay
 * unpublished and the relay sends them. For commands that commit without runCommand (one statement).
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
        : markPublished((sql, params) => orm.em.getConnection().execute(sql, params, "run"), ids),
    )
    .catch((err) => {
      logger.warn({ err: (err as Error).message, ids }, "publish failed; the relay will send these events");
    });
}
