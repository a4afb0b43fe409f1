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
 * not at all, in the order given. No lock is taken: the public ids (the order every reader and
 * socket sees) are given later by the relay, which moves committed rows to `events` one batch at a
 * time (shared/events/relay.ts). Returns how many were written; after the commit the caller wakes
 * the relay (eventsCommitted()).
 */
export async function recordEvents(em: EntityManager, inputs: EventInput<EventType>[]): Promise<number> {
  if (!inputs.length) return 0;
  const events = inputs.map((input) => ({
    type: input.type,
    userIds: [...new Set(input.userIds ?? [])],
    listingId: input.listingId ?? null,
    data: input.data,
  }));
  // One row per event, in input order: the outbox ids follow the VALUES order, which the relay keeps.
  await sql(em)(
    `insert into event_outbox (type, user_ids, listing_id, data) values ${events.map(() => "(?, ?::uuid[], ?::uuid, ?::jsonb)").join(", ")}`,
    events.flatMap((e) => [e.type, `{${e.userIds.join(",")}}`, e.listingId, JSON.stringify(e.data)]),
  );
  return events.length;
}
