import type { EntityManager } from "@mikro-orm/postgresql";
import type { Actor } from "../accounts/tokens.js";
import { canSeeBooking } from "../bookings/policy.js";

/**
 * Whether `actor` may follow a booking's live feed: its guest, its host or an admin (bookings policy).
 * An unknown booking and one the actor may not see answer the same (false), so a socket cannot learn
 * from the answer that a booking exists.
 */
export async function mayFollowBooking(em: EntityManager, actor: Actor, bookingId: string): Promise<boolean> {
  const [booking] = await em
    .getConnection()
    .execute<{ guest_id: string; host_id: string }[]>(
      "select b.guest_id, l.host_id from bookings b join listings l on l.id = b.listing_id where b.id = ?",
      [bookingId],
    );
  return booking !== undefined && canSeeBooking(actor, { guestId: booking.guest_id, hostId: booking.host_id });
}

/** Whether a listing exists (anyone may follow a listing's availability feed). */
export async function listingExists(em: EntityManager, listingId: string): Promise<boolean> {
  const [listing] = await em.getConnection().execute("select 1 from listings where id = ?", [listingId]);
  return listing !== undefined;
}
