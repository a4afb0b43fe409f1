import { z } from "zod";
import { notFound } from "../../../shared/errors.js";
import { IDEMPOTENCY_HEADER } from "../../middlewares/idempotency.js";
import { bookingSchema } from "../../presenters/booking.js";
import { messageSchema } from "../../presenters/message.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const bookingIdParams = z.object({ id: z.uuid().meta({ description: "Booking id" }) });

/** A malformed id names no booking: 404, like an unknown one (never a 500 from the uuid cast). */
export function bookingIdFrom(params: Record<string, string>): string {
  if (!UUID.test(params.id ?? "")) throw notFound("booking");
  return params.id;
}

const limit = z.coerce.number().int().min(1).max(100).default(20).meta({ description: "Page size, 1–100" });
const cursor = z.string().min(1).max(200).optional().meta({ description: "nextCursor of the previous page" });

export const listBookingsQuery = z.object({
  as: z
    .enum(["guest", "host"])
    .default("guest")
    .meta({ description: "guest: bookings you made; host: bookings on your listings" }),
  status: z.enum(["pending_payment", "confirmed", "completed", "expired", "cancelled"]).optional(),
  limit,
  cursor,
});

export const pageQuery = z.object({ limit, cursor });

export const bookingResponse = z.object({ booking: bookingSchema });
export const bookingPage = z.object({ data: z.array(bookingSchema), nextCursor: z.string().nullable() });
export const messageResponse = z.object({ message: messageSchema });
export const messagePage = z.object({ data: z.array(messageSchema), nextCursor: z.string().nullable() });

export const idempotencyHeaders = z.object({
  [IDEMPOTENCY_HEADER]: z
    .string()
    .max(255)
    .optional()
    .meta({ description: "Makes retries safe (see the description)" }),
});
