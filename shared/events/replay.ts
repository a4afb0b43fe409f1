import type { EntityManager } from "@mikro-orm/postgresql";
import type { EventEnvelope, EventType } from "./eventMap.js";

interface UserEventRow {
  id: string;
  type: EventType;
  data: never;
  created_at: Date;
}

/** Largest page of a user's events read at once (replay loops over pages). */
export const REPLAY_PAGE_SIZE = 500;

/**
 * A user's events after `after`, oldest first: the socket replay and the notifications endpoints read
 * this same log. Only events addressed to the user (user_ids) are here; listing availability events
 * have no users and are live-only. The log is `events` and the final outbox rows, which the relay may
 * have published already and not moved yet, with the same ids (the public_events view: migration
 * eventWatermark), read in one statement, so one snapshot: a row is in one or the other. No later event can appear below
 * the last one returned (final rows only grow at the end), so paging by "after the last id" never
 * skips one.
 */
export async function eventsForUser(
  em: EntityManager,
  userId: string,
  page: { after: number; limit: number },
): Promise<EventEnvelope[]> {
  const rows = await em
    .getConnection()
    .execute<UserEventRow[]>(
      "select id, type, data, created_at from public_events where user_ids @> array[?]::uuid[] and id > ? order by id limit ?",
      [userId, page.after, Math.min(page.limit, REPLAY_PAGE_SIZE)],
    );
  return rows.map((row) => ({
    id: Number(row.id),
    type: row.type,
    at: new Date(row.created_at).toISOString(),
    data: row.data,
  }));
}

/**
 * The newest event id there is (0 for none), final outbox rows included (the relay may have published
 * them already), as an SQL expression. Two subqueries, not max() over public_events: each reads one
 * index end or the small outbox.
 */
export const NEWEST_EVENT_ID_SQL = "coalesce((select max(id) from final_outbox), (select max(id) from events), 0)";

/** The newest event id there is (NEWEST_EVENT_ID_SQL): where a socket without a resume point starts. */
export async function newestEventId(em: EntityManager): Promise<number> {
  const [{ newest }] = await em
    .getConnection()
    .execute<{ newest: string }[]>(`select ${NEWEST_EVENT_ID_SQL} as newest`);
  return Number(newest);
}
