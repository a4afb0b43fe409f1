import { z } from "zod";
import { bookingStatusSchema } from "../../../shared/domain/bookings/status.js";
import { pageCursor, pageLimit } from "../../../shared/pagination.js";
import { bookingSchema } from "../../presenters/booking.js";
import { messageSchema } from "../../presenters/message.js";

export const bookingIdParams = z.object({ id: z.uuid().meta({ description: "Booking id" }) });

const limit = pageLimit;
const cursor = pageCursor.optional();

export const listBookingsQuery = z.object({
  as: z
    .enum(["guest", "host"])
    .default("guest")
    .meta({ description: "guest: bookings you made; host: bookings on your listings" }),
  status: bookingStatusSchema.optional(),
  limit,
  cursor,
});

export const pageQuery = z.object({ limit, cursor });

export const bookingResponse = z.object({ booking: bookingSchema });
export const bookingPage = z.object({ data: z.array(bookingSchema), nextCursor: z.string().nullable() });
export const messageResponse = z.object({ message: messageSchema });
export const messagePage = z.object({ data: z.array(messageSchema), nextCursor: z.string().nullable() });

export { idempotencyHeaders } from "../../middlewares/idempotency.js";
