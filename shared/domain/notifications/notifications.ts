import type { EntityManager } from "@mikro-orm/postgresql";
import { z } from "zod";
import { sql } from "../../db/sql.js";
import { unauthenticated } from "../../errors.js";
import type { EventEnvelope } from "../../events/eventMap.js";
import { eventsForUser, NEWEST_EVENT_ID_SQL } from "../../events/replay.js";
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

/** Past this many rows of a user's notification log, reading the count folds them into the total. */
const COMPACT_AFTER = 1000;

/**
 * The user's events that exist, in one snapshot, but for their notification log rows (`log`, the
 * expression counting them: the caller's): those folded into notification_counts and those final in
 * the outbox, published already and not moved yet (final_outbox: migration eventWatermark). The log
 * and the count are kept by the trigger on `events` (migration notificationCounts); in any one
 * snapshot an event is in `events` or in the outbox, never both.
 */
const userEventsTotal = (
  log: string,
) => `coalesce((select c.events from notification_counts c where c.user_id = u.id), 0)
  + ${log} + (select count(*) from final_outbox f where f.user_ids @> array[u.id])`;
const LOG_ROWS = "(select count(*) from notification_log n where n.user_id = u.id)";

/**
 * How many of the user's events are unread: their total (userEventsTotal) minus those read. A few
 * index lookups whatever the user's history; a user whose log grew long gets it folded on the way,
 * so the next read is short again.
 */
export async function unreadCount(em: EntityManager, userId: string): Promise<number> {
  const [row] = await sql(em)<{ unread: string; pending: string }>(
    `select ${userEventsTotal("g.pending")} - u.notifications_read_count as unread, g.pending
       from users u, lateral (select count(*) as pending from notification_log n where n.user_id = u.id) g
      where u.id = ?`,
    [userId],
  );
  if (!row) return 0;
  if (Number(row.pending) > COMPACT_AFTER && !em.isInTransaction()) await compactNotificationLog(em, userId);
  return Math.max(0, Number(row.unread));
}

/**
 * Folds the user's notification log into their total, in one statement: the rows it deletes are
 * the rows it adds, so each is counted once, in the log or in the total, however the two are read.
 * Rows of events still being written are not visible yet and stay in the log for next time.
 */
export async function compactNotificationLog(em: EntityManager, userId: string): Promise<void> {
  await sql(em)(
    `with folded as (delete from notification_log where user_id = ? returning 1)
     insert into notification_counts (user_id, events) select ?, count(*) from folded
     on conflict (user_id) do update set events = notification_counts.events + excluded.events`,
    [userId, userId],
  );
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
  // The row lock first, so the count below is read after any other mark of this user committed.
  const [current] = await sql(em)<{ read_up_to: string }>(
    "select notifications_read_up_to as read_up_to from users where id = ? for update",
    [userId],
  );
  if (!current) throw unauthenticated("This token's account no longer exists.");
  // Never back, and never past the newest event there is (a future event is never born read).
  // The read count is the user's total minus their events above the new mark: one snapshot, so
  // events committing meanwhile land on one side exactly.
  const rows = await sql(em)<{ read_up_to: string }>(
    `with mark as (select greatest(u.notifications_read_up_to, least(?::bigint, ${NEWEST_EVENT_ID_SQL})) as upto
                     from users u where u.id = ?)
     update users u set notifications_read_up_to = mark.upto,
            notifications_read_count = ${userEventsTotal(LOG_ROWS)}
              - (select count(*) from public_events e where e.user_ids @> array[u.id] and e.id > mark.upto)
       from mark
      where u.id = ? and mark.upto > u.notifications_read_up_to
     returning u.notifications_read_up_to as read_up_to`,
    [upTo, userId, userId],
  );
  return { readUpTo: Number(rows[0]?.read_up_to ?? current.read_up_to), unread: await unreadCount(em, userId) };
}
