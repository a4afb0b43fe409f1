import { z } from "zod";
import { conflict, forbidden, notFound, validationFailed } from "../../errors.js";
import type { BookingView } from "../bookings/view.js";
import { defineCommand } from "../commands/define.js";
import { execute } from "../commands/execute.js";
import { expireHolds } from "./expireHolds.js";
import { holdBookingDates } from "./holdBookingDates.js";
import { lockListingAvailability } from "./listingAvailability.js";
import { canBookListing } from "./policy.js";
import { createBookingInput, stayDate } from "./stayInput.js";

/** Expired holds in the way are swept this many times at most before the dates count as taken. */
const MAX_ATTEMPTS = 3;

/**
 * A guest holds a listing's dates until `expiresAt` (BOOKING_HOLD_MINUTES) while they pay.
 * There is no "is it free?" check first: the insert is attempted and the exclusion constraint
 * `bookings_no_overlap` decides, so two racing guests can never both win (23P01 → 409
 * dates_unavailable, the door's default). The hold, its emails and its events commit in one
 * statement (holdBookingDates: this is the hot write path, hence `transaction: "self"`). An expired
 * hold that the sweeper has not marked yet never blocks: it is expired here, with its own events, and
 * the hold is tried again. Cached searches are invalidated before it returns: the dates vanish from
 * the very next search.
 */
export const createBooking = defineCommand({
  name: "bookings.create",
  input: createBookingInput,
  transaction: "self",
  invalidates: { search: true },
  errors: {
    // 22003: the total does not fit the price column (absurd price × nights).
    range: validationFailed([{ path: "checkOut", message: "the stay's total price is too large" }]),
  },
  async run({ actor, input, deps, published }): Promise<BookingView> {
    for (let attempt = 1; ; attempt++) {
      const result = await holdBookingDates(deps.orm, actor, input);
      switch (result.outcome) {
        case "held":
          published(result.events);
          return result.booking;
        // Archived listings are gone for guests (API.md: not searchable or bookable), hence 404.
        case "no_listing":
          throw notFound("listing");
        case "refused": {
          const { listing } = result;
          if (listing.status !== "active") throw notFound("listing");
          if (!canBookListing(actor, listing)) throw forbidden("You cannot book your own listing.");
          throw validationFailed([
            { path: "guests", message: `this listing hosts at most ${listing.maxGuests} guests` },
          ]);
        }
        case "expired_holds_in_the_way":
          // Rare (the sweeper gets most first). A hold still there after a few sweeps is being paid right now.
          if (attempt === MAX_ATTEMPTS)
            throw conflict("dates_unavailable", "Those dates are not available for this listing.");
          await execute(expireHoldsInTheWay, { actor: null, input }, deps);
      }
    }
  },
});

/** The expired holds of one listing overlapping a stay, expired now (createBooking's retry). */
const expireHoldsInTheWay = defineCommand({
  name: "bookings.expireHoldsInTheWay",
  input: z.object({ listingId: z.guid(), checkIn: stayDate, checkOut: stayDate }),
  actor: "system",
  invalidates: { search: (expired: number) => expired > 0 },
  async run({ input, tx }) {
    await lockListingAvailability(tx, input.listingId);
    return expireHolds(tx, { listingId: input.listingId, range: input });
  },
});
