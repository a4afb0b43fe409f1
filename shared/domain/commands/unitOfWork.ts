import type { EntityManager } from "@mikro-orm/postgresql";
import type { Orm } from "../../db/orm.js";
import type { EventType } from "../../events/eventMap.js";
import type { EventInput } from "../../events/record.js";
import { recordEventsOnCommit } from "../../events/record.js";
import { eventsCommitted } from "../../events/relay.js";
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
 * all. After the commit the event relay is woken: it gives the events their public ids and
 * publishes them (shared/events/relay.ts). The search changes it recorded are appended to
 * `searchChanges` once it committed.
 */
export async function inUnitOfWork<R>(
  orm: Orm,
  work: (tx: CommandTx) => Promise<R>,
  searchChanges: SearchChange[] = [],
): Promise<R> {
  let events = 0;
  const changes: SearchChange[] = [];
  const result = await orm.em.fork().transactional(async (em) => {
    const inputs: EventInput<EventType>[] = [];
    const tx: CommandTx = {
      em: em as EntityManager,
      // Buffered and written last, in one INSERT into the outbox that rides in the COMMIT's own
      // message (no lock, no round trip: see recordEvents and recordEventsOnCommit).
      emit: async (input) => {
        inputs.push(input as EventInput<EventType>);
      },
      sideEffect: (kind, key, payload) => recordSideEffect(em as EntityManager, kind, key, payload),
      searchChanged: (...made) => void changes.push(...made),
    };
    const value = await work(tx);
    if (inputs.length) {
      await em.flush(); // the command's pending entity changes, before its events
      events = await recordEventsOnCommit(em as EntityManager, inputs);
    }
    return value;
  });
  searchChanges.push(...changes);
  if (events) eventsCommitted();
  return result;
}
