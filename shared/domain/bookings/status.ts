import { z } from "zod";

/** Every status a booking can have (statusMachine.ts says which moves are allowed): the one list. */
export const BOOKING_STATUSES = [
  "pending_approval",
  "pending_payment",
  "confirmed",
  "completed",
  "expired",
  "cancelled",
  "declined",
] as const;
export const bookingStatusSchema = z.enum(BOOKING_STATUSES);
export type BookingStatus = z.infer<typeof bookingStatusSchema>;

/**
 * The statuses whose dates (a request waiting for the host holds them too, until its deadline) the exclusion constraint bookings_no_overlap and the trigger
 * bookings_guard_overlap guard (their predicate `status in (…)`). A hold that lapsed but is not yet
 * swept is still among them, so it stays in the way until it is marked expired; whether a booking
 * blocks its dates *now* is the SQL function booking_blocks_dates() (migration bookingReadModel).
 */
export const ACTIVE_BOOKING_STATUSES = [
  "pending_approval",
  "pending_payment",
  "confirmed",
] as const satisfies readonly BookingStatus[];

/** Who cancelled a booking: a person, or Chapa refunding the payment on its side (`provider`). */
export const CANCELLED_BY = ["guest", "host", "admin", "provider"] as const;
export type CancelledBy = (typeof CANCELLED_BY)[number];
