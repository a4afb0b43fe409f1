import { z } from "zod";
import { notFound } from "../../errors.js";
import { keysetPage, type Page, pageCursor, pageLimit } from "../../pagination.js";
import type { BookingView } from "../bookings/view.js";
import { defineQuery } from "../commands/define.js";
import { canSeeBooking } from "./policy.js";
import { bookingStatusSchema } from "./status.js";
import { loadBookingView, queryBookingViews } from "./view.js";

/** `GET /bookings`'s query: whose bookings, which status, one page. */
export const listBookingsInput = z.object({
  as: z
    .enum(["guest", "host"])
    .default("guest")
    .meta({ description: "guest: bookings you made; host: bookings on your listings" }),
  status: bookingStatusSchema.optional(),
  limit: pageLimit,
  cursor: pageCursor.optional(),
});

/** A user's bookings (guest: their own; host: on their listings), newest first, one keyset page at a time. */
export const listBookings = defineQuery({
  name: "bookings.list",
  input: listBookingsInput,
  async run({ actor, input, em }): Promise<Page<BookingView>> {
    const where = [input.as === "host" ? "l.host_id = ?" : "b.guest_id = ?"];
    const params: unknown[] = [actor.id];
    if (input.status) {
      where.push("b.status = ?");
      params.push(input.status);
    }
    return keysetPage(
      em,
      { table: "bookings", alias: "b", order: "newest", where, params, page: input },
      (w, p, orderAndLimit) => queryBookingViews(em, w, p, orderAndLimit),
    );
  },
});

/** One booking, for its guest, its listing's host or an admin (404 for anyone else). */
export const getBooking = defineQuery({
  name: "bookings.get",
  input: z.object({ bookingId: z.guid() }),
  async run({ actor, input, em }): Promise<BookingView> {
    const booking = await loadBookingView(em, input.bookingId);
    if (!booking || !canSeeBooking(actor, booking)) throw notFound("booking");
    return booking;
  },
});
