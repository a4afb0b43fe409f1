import type { EventEnvelope, EventType } from "./eventMap.js";

/** An events row as it is published: the envelope plus who receives it. */
export interface PublishableEvent<T extends EventType = EventType> {
  envelope: EventEnvelope<T>;
  /** Users whose personal rooms receive it. */
  userIds: string[];
  /** Set for listing-wide events: the listing's availability room receives it. */
  listingId: string | null;
}

/**
 * Where committed events go. The web process and the worker install a Socket.IO publisher; until
 * one is installed, events simply stay unpublished in the table for the relay to send.
 */
export interface EventPublisher {
  /**
   * Sends the events to their rooms, or throws. A room publisher (createSocketPublisher) does not
   * touch the database and callers mark the events published; an ordered one (createOrderedPublisher)
   * sends every pending event in id order and marks them itself.
   */
  publish(events: PublishableEvent[]): Promise<void>;
  /** False while publishing would surely fail (its Redis is down): callers then skip the attempt. */
  isReady?(): boolean;
  /** True when publish() marks the events published itself (the ordered publisher). */
  readonly marksPublished?: boolean;
}

/** Marks events published, on any connection or transaction (`execute` of MikroORM's connection). */
export async function markPublished(
  execute: (sql: string, params: unknown[]) => Promise<unknown>,
  ids: number[],
): Promise<void> {
  if (!ids.length) return;
  await execute("update events set published_at = now() where id = any(?::bigint[]) and published_at is null", [
    `{${ids.join(",")}}`,
  ]);
}

let current: EventPublisher | null = null;

export function setEventPublisher(publisher: EventPublisher | null): void {
  current = publisher;
}

export function getEventPublisher(): EventPublisher | null {
  return current;
}
