import type { EmailTemplate } from "../../sideEffects/sideEffectMap.js";
import type { CommandTx } from "../commands/unitOfWork.js";
import { emitAvailabilityChanged } from "./listingAvailability.js";
import { bookingAudience, queryBookingViews } from "./view.js";

/**
 * What a sweep that moved bookings to a new status records, in its transaction: each booking's
 * `booking.updated` (guest and host) and one email to its guest, then one `listing.availability`
 * per listing touched.
 */
export async function announceSweep(
  tx: CommandTx,
  changed: { id: string; listing_id: string }[],
  guestEmail: EmailTemplate,
): Promise<void> {
  const views = await queryBookingViews(tx.em, "b.id = any(?::uuid[])", [`{${changed.map((c) => c.id).join(",")}}`]);
  for (const booking of views) {
    await tx.emit({ type: "booking.updated", data: booking, userIds: bookingAudience(booking) });
    await tx.sideEffect("email", `email:${guestEmail}:${booking.id}`, {
      template: guestEmail,
      bookingId: booking.id,
      recipientUserId: booking.guestId,
    });
  }
  for (const listingId of new Set(changed.map((c) => c.listing_id))) await emitAvailabilityChanged(tx, listingId);
}
