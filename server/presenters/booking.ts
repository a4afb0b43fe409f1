import type { z } from "zod";
import { type BookingView, bookingViewSchema } from "../../shared/domain/bookings/view.js";

export const bookingSchema = bookingViewSchema.meta({ id: "Booking" });

/** What leaves the server about a booking: field by field, so nothing internal slips out. */
export function presentBooking(b: BookingView): z.infer<typeof bookingSchema> {
  return {
    id: b.id,
    listingId: b.listingId,
    listingTitle: b.listingTitle,
    guestId: b.guestId,
    guestName: b.guestName,
    hostId: b.hostId,
    checkIn: b.checkIn,
    checkOut: b.checkOut,
    nights: b.nights,
    guests: b.guests,
    totalPrice: b.totalPrice,
    priceLines: b.priceLines.map((l) => ({ ...l })),
    currency: b.currency,
    status: b.status,
    expiresAt: b.expiresAt,
    note: b.note,
    cancelledBy: b.cancelledBy,
    refundAmount: b.refundAmount,
    createdAt: b.createdAt,
    updatedAt: b.updatedAt,
  };
}
