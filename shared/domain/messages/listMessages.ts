import type { EntityManager } from "@mikro-orm/postgresql";
import { notFound } from "../../errors.js";
import type { MessageView } from "../../events/eventMap.js";
import { afterCursor, type CursorKey, type Page, toKeysetPage } from "../../pagination.js";
import type { Actor } from "../accounts/tokens.js";
import { loadBookingView } from "../bookings/view.js";
import { canReadMessages } from "./policy.js";
import { queryMessageViews } from "./view.js";

/** A booking's conversation, oldest first, one keyset page at a time. */
export async function listMessages(
  em: EntityManager,
  actor: Actor,
  bookingId: string,
  query: { limit: number /** the key from pageCursor */; cursor?: CursorKey },
): Promise<Page<MessageView>> {
  const booking = await loadBookingView(em, bookingId);
  if (!booking || !canReadMessages(actor, booking)) throw notFound("booking");
  const where = ["m.booking_id = ?"];
  const params: unknown[] = [bookingId];
  if (query.cursor) {
    const after = afterCursor("m", "oldest", query.cursor);
    where.push(after.sql);
    params.push(...after.params);
  }
  const rows = await queryMessageViews(
    em,
    where.join(" and "),
    [...params, query.limit + 1],
    "order by m.created_at, m.id limit ?",
  );
  return toKeysetPage(em, "messages", rows, query.limit);
}
