import type { EntityManager } from "@mikro-orm/postgresql";
import { z } from "zod";
import { sql } from "../../db/sql.js";
import { unauthenticated } from "../../errors.js";
import type { EventEnvelope } from "../../events/eventMap.js";
import { eventsForUser } from "../../events/replay.js";
import { pageLimit } from "../../pagination.js";
import { digits } from "../../text.js";
import { defineCommand, defineQuery } from "../commands/define.js";

// Event ids are bigint in PostgreSQL but stay far below 2^53, so they travel as JSON numbers; in a
// query string, as digits. Neither is coerced: `true`, `[5]` or "" is not an event id.
const eventId = z
  .int({ error: "Not an event id." })
  .min(0, "Not an event id.")
  .max(Number.MAX_SAFE_INTEGER, "Not an event id.");
const eventIdQuery = digits({ min: 0, max: Number.MAX_SAFE_INTEGER });

/** GET /notifications' query. */
export const notificationsInput = z.object({
  after: eventIdQuery.default(0).meta({ description: "Only events with a greater id (a nextCursor or lastEventId)." }),
  limit: pageLimit,
});

/** POST /notifications/read's body. */
export const markReadInput = z
  .object({ upTo: eventId.meta({ description: "Events up to this id (included) become read." }) })
  .meta({ id: "MarkNotificationsReadRequest" });

export interface NotificationsPage {
  data: EventEnvelope[];
  /** Pass as `after` for the next page; null when this page is the last one for now. */
  nextCursor: string | null;
  unread: number;
}

/** How many of the user's events are newer than their read mark. */
export async function unreadCount(em: EntityManager, userId: string): Promise<number> {
  const rows = await sql(em)<{ unread: string }>(
    `select count(*) as unread from events e, users u
      where u.id = ? and e.user_ids @> array[u.id] and e.id > u.notifications_read_up_to`,
    [userId],
  );
  return Number(rows[0]?.unread ?? 0);
}

/** The caller's events after `after`, oldest first, with the unread count. */
export const listNotifications = defineQuery({
  name: "notifications.list",
  input: notificationsInput,
  run: ({ actor, input, em }) => notificationsPage(em, actor.id, input),
});

async function notificationsPage(
  em: EntityManager,
  userId: string,
  query: { after: number; limit: number },
): Promise<NotificationsPage> {
  const [events, unread] = await Promise.all([
    eventsForUser(em, userId, { after: query.after, limit: query.limit + 1 }),
    unreadCount(em, userId),
  ]);
  const data = events.slice(0, query.limit);
  const more = events.length > query.limit;
  return { data, nextCursor: more ? String(data[data.length - 1].id) : null, unread };
}

/**
 * Moves the user's read mark up to `upTo` (never back: a stale tab cannot un-read newer events, and
 * never past the newest event that exists, so a future event is never born read).
 */
export const markNotificationsRead = defineCommand({
  name: "notifications.markRead",
  input: markReadInput,
  run: ({ actor, input, tx }) => markRead(tx.em, actor.id, input.upTo),
});

async function markRead(
  em: EntityManager,
  userId: string,
  upTo: number,
): Promise<{ readUpTo: number; unread: number }> {
  const rows = await sql(em)<{ read_up_to: string }>(
    `update users set notifications_read_up_to = greatest(notifications_read_up_to,
        least(?::bigint, (select coalesce(max(id), 0) from events)))
      where id = ? returning notifications_read_up_to as read_up_to`,
    [upTo, userId],
  );
  if (!rows[0]) throw unauthenticated("This token's account no longer exists.");
  return { readUpTo: Number(rows[0].read_up_to), unread: await unreadCount(em, userId) };
}
