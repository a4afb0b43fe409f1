import { z } from "zod";
import type { BookingView } from "../../shared/events/eventMap.js";

export const bookingSchema = z
  .object({
    id: z.uuid(),
    listingId: z.uuid(),
    listingTitle: z.string(),
    guestId: z.uuid(),
    guestName: z.string(),
    hostId: z.uuid(),
    checkIn: z.iso.date(),
    checkOut: z.iso.date(),
    nights: z.number().int(),
    guests: z.number().int(),
    totalPrice: z.number().int().meta({ description: "nights × pricePerNight, in minor units" }),
    currency: z.enum(["ETB", "USD"]),
    status: z.enum(["pending_payment", "confirmed", "completed", "expired", "cancelled"]),
    expiresAt: z.iso
      .datetime()
      .nullable()
      .meta({ description: "Until when an unpaid hold keeps the dates (pending_payment only)" }),
    note: z.string().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: "Booking" });

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
    currency: b.currency,
    status: b.status,
    expiresAt: b.expiresAt,
    note: b.note,
    createdAt: b.createdAt,
    updatedAt: b.updatedAt,
  };
}
