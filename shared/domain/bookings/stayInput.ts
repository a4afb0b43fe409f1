import { z } from "zod";

export const MAX_NIGHTS = 365;
const DAY_MS = 86_400_000;

/** A stay date: a real calendar date (2030-02-30 is not), as YYYY-MM-DD. */
export const stayDate = z.iso.date({ error: "must be a real calendar date as YYYY-MM-DD" });

export function nightsBetween(checkIn: string, checkOut: string): number {
  return Math.round((Date.parse(checkOut) - Date.parse(checkIn)) / DAY_MS);
}

/** Today as YYYY-MM-DD in UTC: the calendar the API's dates are in. */
export function todayUtc(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/**
 * What a guest sends to book. The rules that need the listing (it exists and is active, guests ≤
 * maxGuests, not the host's own) are checked by createBooking against the database.
 */
export const createBookingInput = z
  .object({
    listingId: z.guid({ error: "must be a listing id (UUID)" }),
    checkIn: stayDate,
    checkOut: stayDate,
    guests: z.number().int().min(1).max(1000),
    quoteToken: z
      .string()
      .max(8000)
      .optional()
      .meta({
        description:
          "The quoteToken of GET /listings/{id}/quote for this very stay: the booking keeps that quote's lines and total, " +
          "whatever the host changed since, until the token expires (then 409 price_changed if the price moved).",
      }),
  })
  .superRefine((stay, ctx) => {
    // zod may run this even when a field failed; only judge dates that parsed.
    if (!stayDate.safeParse(stay.checkIn).success || !stayDate.safeParse(stay.checkOut).success) return;
    if (stay.checkIn < todayUtc()) {
      ctx.addIssue({ code: "custom", path: ["checkIn"], message: "must not be in the past" });
    }
    const nights = nightsBetween(stay.checkIn, stay.checkOut);
    if (nights < 1) ctx.addIssue({ code: "custom", path: ["checkOut"], message: "must be after checkIn" });
    if (nights > MAX_NIGHTS) {
      ctx.addIssue({ code: "custom", path: ["checkOut"], message: `a stay is at most ${MAX_NIGHTS} nights` });
    }
  })
  .meta({ id: "CreateBookingInput" });

export type CreateBookingInput = z.output<typeof createBookingInput>;
