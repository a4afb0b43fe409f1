import type { EntityManager } from "@mikro-orm/postgresql";
import type { BookingStatus, BookingView } from "../../events/eventMap.js";
import { afterCursor, type CursorKey, type Page, toKeysetPage } from "../../pagination.js";
import type { Actor } from "../accounts/tokens.js";
import { queryBookingViews } from "./view.js";

export interface ListBookingsQuery {
  /** guest: the actor's own bookings; host: bookings on the actor's listings. */
  as: "guest" | "host";
  status?: BookingStatus;
  limit: number;
  /** The key the previous page's cursor carries (pageCursor). */
  cursor?: CursorKey;
}

/** A user's bookings, newest first, one keyset page at a time. */
export async function listBookings(
  em: EntityManager,
  actor: Actor,
  query: ListBookingsQuery,
): Promise<Page<BookingView>> {
  const where = [query.as === "host" ? "l.host_id = ?" : "b.guest_id = ?"];
  const params: unknown[] = [actor.id];
  if (query.status) {
    where.push("b.status = ?");
    params.push(query.status);
  }
  if (query.cursor) {
    const after = afterCursor("b", "newest", query.cursor);
    where.push(after.sql);
    params.push(...after.params);
  }
  const rows = await queryBookingViews(
    em,
    where.join(" and "),
    [...params, query.limit + 1],
    "order by b.created_at desc, b.id desc limit ?",
  );
  return toKeysetPage(em, "bookings", rows, query.limit);
}
