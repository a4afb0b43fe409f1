import type { EntityManager } from "@mikro-orm/postgresql";
import type { BookingStatus, BookingView } from "../../events/eventMap.js";
import type { Actor } from "../accounts/tokens.js";
import { decodeCursor, type Page, toPage } from "./pageCursor.js";
import { queryBookingViews } from "./view.js";

export interface ListBookingsQuery {
  /** guest: the actor's own bookings; host: bookings on the actor's listings. */
  as: "guest" | "host";
  status?: BookingStatus;
  limit: number;
  cursor?: string;
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
    where.push("(b.created_at, b.id) < (select c.created_at, c.id from bookings c where c.id = ?)");
    params.push(decodeCursor(query.cursor));
  }
  const rows = await queryBookingViews(
    em,
    where.join(" and "),
    [...params, query.limit + 1],
    "order by b.created_at desc, b.id desc limit ?",
  );
  return toPage(rows, query.limit);
}
