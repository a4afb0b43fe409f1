import { z } from "zod";
import { cancelBookingInput } from "../../../shared/domain/bookings/cancelBooking.js";
import { cancellationSchema } from "../../../shared/domain/bookings/cancellationQuote.js";
import { bookingSchema } from "../../presenters/booking.js";
import { messageSchema } from "../../presenters/message.js";

export const bookingIdParams = z.object({ id: z.uuid().meta({ description: "Booking id" }) });

// Defined once, with the reads that parse them.
export { listBookingsInput as listBookingsQuery } from "../../../shared/domain/bookings/listBookings.js";
export { pageInput as pageQuery } from "../../../shared/pagination.js";

export const bookingResponse = z.object({ booking: bookingSchema });
export const cancellationResponse = cancellationSchema;
export const cancelResponse = cancellationSchema.extend({ booking: bookingSchema });
export const cancelBody = cancelBookingInput.omit({ bookingId: true });
export const bookingPage = z.object({ data: z.array(bookingSchema), nextCursor: z.string().nullable() });
export const messageResponse = z.object({ message: messageSchema });
export const messagePage = z.object({ data: z.array(messageSchema), nextCursor: z.string().nullable() });

export { idempotencyHeaders } from "../../middlewares/idempotency.js";
