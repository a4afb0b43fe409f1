import type { EntityManager } from "@mikro-orm/postgresql";
import { z } from "zod";
import { sql } from "../../db/sql.js";
import { currencySchema } from "../currency.js";
import { priceLineSchema } from "../pricing/priceStay.js";
import { bookingStatusSchema, CANCELLED_BY } from "./status.js";

/** A stay [checkIn, checkOut) as the availability endpoint and listing.availability show it. */
export const stayRangeSchema = z.object({ checkIn: z.iso.date(), checkOut: z.iso.date() });
export type StayRange = z.infer<typeof stayRangeSchema>;

/**
 * A booking as users see it: the one TypeScript definition (the type, the presenter's schema and
 * the OpenAPI component derive from it). The JSON itself is built in one place, the SQL function
 * booking_view() (migration bookingReadModel), which both hold_booking_dates() and the reads below
 * call, so a hold's 201, its booking.created event and every later read cannot differ.
 * test/shapes.test.ts checks that booking_view() produces exactly these fields.
 */
export const bookingViewSchema = z.object({
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
  totalPrice: z.number().int().meta({ description: "The sum of priceLines, in minor units: what the guest pays" }),
  priceLines: z.array(priceLineSchema).meta({
    description: "The lines the booking was priced with (its quote's, when it was made with a quote token)",
  }),
  currency: currencySchema,
  status: bookingStatusSchema,
  expiresAt: z.iso.datetime().nullable().meta({
    description:
      "Until when an unpaid hold keeps the dates (pending_payment), or the host's deadline to answer a request (pending_approval)",
  }),
  note: z.string().nullable(),
  cancelledBy: z.enum(CANCELLED_BY).nullable().meta({
    description: "Who cancelled it (provider: Chapa refunded the payment on its side); null unless cancelled",
  }),
  refundAmount: z.int().nullable().meta({
    description: "What its cancellation refunds the guest, in minor units (see GET /bookings/{id}/cancellation)",
  }),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type BookingView = z.infer<typeof bookingViewSchema>;

/** The read model's one query: booking_view() over a booking `b`, its listing `l` and its guest `g`. */
const SELECT = `
  select booking_view(b, l.title, l.host_id, g.name) as view
    from bookings b join listings l on l.id = b.listing_id join users g on g.id = b.guest_id`;

async function select(em: EntityManager, text: string, params: unknown[]): Promise<BookingView[]> {
  const rows = await sql(em)<{ view: BookingView }>(text, params);
  return rows.map((r) => r.view);
}

/**
 * A booking as users see it (with listing title, guest name and host id), read in the caller's
 * transaction when there is one, so events carry the state being committed. Null when unknown.
 */
export async function loadBookingView(em: EntityManager, bookingId: string): Promise<BookingView | null> {
  const [view] = await select(em, `${SELECT} where b.id = ?`, [bookingId]);
  return view ?? null;
}

/** Several bookings by a where clause over `b` / `l` (parameters bound), in the given order. */
export async function queryBookingViews(
  em: EntityManager,
  where: string,
  params: unknown[],
  orderAndLimit = "order by b.created_at desc, b.id desc",
): Promise<BookingView[]> {
  return select(em, `${SELECT} where ${where} ${orderAndLimit}`, params);
}

/** Who hears about a booking: its guest and its listing's host. */
export function bookingAudience(view: Pick<BookingView, "guestId" | "hostId">): string[] {
  return [view.guestId, view.hostId];
}
