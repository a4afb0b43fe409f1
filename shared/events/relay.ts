import type { Orm } from "../db/orm.js";
import type { EventType } from "./eventMap.js";
import { type EventPublisher, markPublished, type PublishableEvent } from "./publisher.js";

interface EventRow {
  id: string;
  type: EventType;
  user_ids: string[];
  listing_id: string | null;
  data: never;
  created_at: Date;
}

export function rowToPublishable(row: EventRow): PublishableEvent {
  return {
    envelope: { id: Number(row.id), type: row.type, at: new Date(row.created_at).toISOString(), data: row.data },
    userIds: row.user_ids,
    listingId: row.listing_id,
  };
}

/**
 * The safety net behind the fast path: publishes, in id order, events that were committed but never
 * published (the process died after commit, Redis was down). Rows are locked with SKIP LOCKED so two
 * workers never publish the same batch. Returns how many were published.
 */
export async function publishPendingEvents(
  orm: Orm,
  publisher: EventPublisher,
  options: { limit?: number; minAgeMs?: number } = {},
): Promise<number> {
  const em = orm.em.fork();
  return em.transactional(async (tx) => {
    const rows = await tx.getConnection().execute<EventRow[]>(
      `select id, type, user_ids, listing_id, data, created_at from events
        where published_at is null and created_at < now() - (? * interval '1 millisecond')
        order by id limit ? for update skip locked`,
      [options.minAgeMs ?? 0, options.limit ?? 500],
      "all",
      tx.getTransactionContext(),
    );
    if (!rows.length) return 0;
    const events = rows.map(rowToPublishable);
    await publisher.publish(events);
    await markPublished(
      (sql, params) => tx.getConnection().execute(sql, params, "run", tx.getTransactionContext()),
      events.map((e) => e.envelope.id),
    );
    return rows.length;
  });
}
