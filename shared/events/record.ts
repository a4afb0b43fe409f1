import type { EntityManager } from "@mikro-orm/postgresql";
import { sql } from "../db/sql.js";
import type { EventMap, EventType } from "./eventMap.js";

export interface EventInput<T extends EventType> {
  type: T;
  data: EventMap[T];
  /** Receivers by user (their rooms; they can replay it and see it in notifications). */
  userIds?: string[];
  /** Receivers by listing (the listing's availability feed). */
  listingId?: string | null;
}

/**
 * Appends events to the outbox inside the caller's transaction, so they commit with the change or
 * not at all, in the order given. No lock is taken: each row carries a transaction id given as it is
 * written (its xmin), and once no older transaction of the database can still commit, its public id is fixed (the order
 * every reader and socket sees: final_outbox, migration eventWatermark). The relay publishes it then
 * and moves it to `events` after (shared/events/relay.ts). Returns how many were written; after the
 * commit the caller wakes the relay (eventsCommitted()).
 */
export async function recordEvents(em: EntityManager, inputs: EventInput<EventType>[]): Promise<number> {
  if (!inputs.length) return 0;
  const events = inputs.map((input) => ({
    type: input.type,
    userIds: [...new Set(input.userIds ?? [])],
    listingId: input.listingId ?? null,
    data: input.data,
  }));
  // One statement, one row per event, in input order, in a subtransaction of its own (record_events,
  // migration eventWatermark: its xmin, the order key, is given now, after all the command did).
  await sql(em)("select record_events(?::jsonb)", [JSON.stringify(events)]);
  return events.length;
}
