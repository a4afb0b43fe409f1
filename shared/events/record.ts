import type { EntityManager } from "@mikro-orm/postgresql";
import type { EventMap, EventType } from "./eventMap.js";
import type { PublishableEvent } from "./publisher.js";

export interface EventInput<T extends EventType> {
  type: T;
  data: EventMap[T];
  /** Receivers by user (their rooms; they can replay it and see it in notifications). */
  userIds?: string[];
  /** Receivers by listing (the listing's availability feed). */
  listingId?: string | null;
}

/**
 * Writes an events row inside the caller's transaction, so the event commits with the change or
 * not at all. The returned event is published after commit by `runCommand`.
 */
export async function recordEvent<T extends EventType>(
  em: EntityManager,
  input: EventInput<T>,
): Promise<PublishableEvent<T>> {
  const userIds = [...new Set(input.userIds ?? [])];
  const [row] = await em
    .getConnection()
    .execute<{ id: string; created_at: Date }[]>(
      "insert into events (type, user_ids, listing_id, data) values (?, ?::uuid[], ?, ?::jsonb) returning id, created_at",
      [input.type, `{${userIds.join(",")}}`, input.listingId ?? null, JSON.stringify(input.data)],
      "all",
      em.getTransactionContext(),
    );
  return {
    envelope: { id: Number(row.id), type: input.type, at: new Date(row.created_at).toISOString(), data: input.data },
    userIds,
    listingId: input.listingId ?? null,
  };
}
