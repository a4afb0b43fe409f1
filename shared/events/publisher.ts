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
 * Where the event relay sends committed events, in id order (createSocketPublisher: the Socket.IO
 * streams adapter). It never touches the database: the relay keeps the publish mark.
 */
export interface EventPublisher {
  /** Sends the events to their rooms, in the order given, or throws. */
  publish(events: PublishableEvent[]): Promise<void>;
  /** False while publishing would surely fail (its Redis is down): the relay then waits. */
  isReady?(): boolean;
}
