import { z } from "zod";
import { conflict, forbidden, notFound, validationFailed } from "../../errors.js";
import { formatMoney } from "../../mail/format.js";
import type { BookingView } from "../bookings/view.js";
import { defineCommand } from "../commands/define.js";
import { execute } from "../commands/execute.js";
import type { DatabaseDeps } from "../deps.js";
import { listingForBooking, priceForBooking } from "../pricing/listingPricing.js";
import { checkQuote } from "../pricing/quoteToken.js";
import { declineLapsedRequests } from "./declineLapsedRequests.js";
import { expireHolds } from "./expireHolds.js";
import { type HoldPrice, holdBookingDates } from "./holdBookingDates.js";
import { lockListingAvailability } from "./listingAvailability.js";
import { canBookListing } from "./policy.js";
import { type CreateBookingInput, createBookingInput, nightsBetween, stayDate } from "./stayInput.js";

/** Expired holds in the way are swept this many times at most before the dates count as taken. */
const MAX_ATTEMPTS = 3;

/**
 * A guest holds a listing's dates until `expiresAt` (BOOKING_HOLD_MINUTES) while they pay, or, on a
 * listing in request mode, asks the host: a `pending_approval` booking holding the dates until the
 * host answers or `expiresAt` (APPROVAL_HOURS) passes. The listing's min/max nights (400), the
 * guest's cooldown after an unpaid hold on it (409 hold_cooldown) and their limit of unpaid holds
 * and requests (409 too_many_holds) are checked in the same statement, under the user's lock.
 * There is no "is it free?" check first: the insert is attempted and the exclusion constraint
 * `bookings_no_overlap` decides, so two racing guests can never both win (23P01 → 409
 * dates_unavailable, the door's default). The hold, its emails and its events commit in one
 * statement (holdBookingDates: this is the hot write path, hence `transaction: "self"`). An expired
 * hold that the sweeper has not marked yet never blocks: it is expired here, with its own events, and
 * the hold is tried again. Cached searches are invalidated before it returns: the dates vanish from
 * the very next search.
 *
 * Its price comes from the pricing function (shared/domain/pricing/priceStay.ts), whose lines the
 * booking stores: with a quote token (GET /listings/:id/quote), exactly the quote's lines, whatever
 * the host changed since, until the token expires (then the current price, or 409 price_changed if
 * it moved); without one, the listing's rules at this moment: priced from the process's copy of them
 * (a minute old at most), whose pricing version the hold checks in its statement; if the host
 * changed anything since, the hold answers price_changed and the stay is priced again, freshly read.
 */
export const createBooking = defineCommand({
  name: "bookings.create",
  input: createBookingInput,
  transaction: "self",
  // Nights taken: only cached answers showing this listing can be wrong now.
  searchChanges: (booking: BookingView) => [
    { kind: "taken", listingId: booking.listingId, nights: { checkIn: booking.checkIn, checkOut: booking.checkOut } },
  ],
  errors: {
    // 22003: the total does not fit the price column (absurd price × nights).
    range: validationFailed([{ path: "checkOut", message: "the stay's total price is too large" }]),
  },
  async run({ actor, input, deps, committedEvents }): Promise<BookingView> {
    let price = await priceOf(deps, input);
    for (let attempt = 1; ; attempt++) {
      const result = await holdBookingDates(deps.orm, actor, input, price);
      switch (result.outcome) {
        case "held":
          committedEvents();
          return result.booking;
        // Archived listings are gone for guests (API.md: not searchable or bookable), hence 404.
        case "no_listing":
          throw notFound("listing");
        case "refused": {
          const { listing } = result;
          if (listing.status !== "active") throw notFound("listing");
          if (!canBookListing(actor, listing)) throw forbidden("You cannot book your own listing.");
          const nights = nightsBetween(input.checkIn, input.checkOut);
          if (nights < listing.minNights || nights > listing.maxNights) {
            throw validationFailed([
              {
                path: "checkOut",
                message: `this listing takes stays of ${listing.minNights} to ${listing.maxNights} nights`,
              },
            ]);
          }
          throw validationFailed([
            { path: "guests", message: `this listing hosts at most ${listing.maxGuests} guests` },
          ]);
        }
        case "cooldown":
          throw conflict(
            "hold_cooldown",
            `Your last hold on this listing ended unpaid; you may hold it again from ${result.retryAt}.`,
          );
        case "too_many_holds":
          throw conflict(
            "too_many_holds",
            `You already have ${result.limit} unpaid holds or pending requests; pay, cancel or wait for one first.`,
          );
        case "price_changed": {
          // A quote's price stands, but not in a currency the listing no longer takes.
          const fresh = await currentPrice(deps, input, true);
          if (price.pricingVersion === null || attempt === MAX_ATTEMPTS) throw priceChanged(fresh);
          price = fresh;
          break;
        }
        case "expired_holds_in_the_way":
          // Rare (the sweeper gets most first). A hold still there after a few sweeps is being paid right now.
          if (attempt === MAX_ATTEMPTS)
            throw conflict("dates_unavailable", "Those dates are not available for this listing.");
          await execute(clearLapsedInTheWay, { actor: null, input }, deps);
      }
    }
  },
});

const QUOTE_REFUSALS = {
  malformed: "is not a quote token",
  forged: "is not a quote token of this server",
  another_stay: "is a quote of another listing, other dates or another number of guests",
} as const;

/** The price a booking is made at: its quote's (see createBooking) or the listing's current one. */
async function priceOf(deps: DatabaseDeps, input: CreateBookingInput): Promise<HoldPrice> {
  if (!input.quoteToken) return currentPrice(deps, input);
  const check = checkQuote(input.quoteToken, input);
  if (!check.ok) throw validationFailed([{ path: "quoteToken", message: QUOTE_REFUSALS[check.reason] }]);
  const { lines, total, currency } = check.payload;
  if (!check.expired) return { lines, total, currency, pricingVersion: null };
  const fresh = await currentPrice(deps, input, true);
  if (fresh.total !== total || fresh.currency !== currency) throw priceChanged(fresh);
  return fresh;
}

/**
 * The stay priced by the listing's rules, with the pricing version the hold checks: from the
 * process's short-lived copy of them (listingForBooking), or `fresh` from the database once the hold
 * said the copy is stale.
 */
async function currentPrice(deps: DatabaseDeps, input: CreateBookingInput, fresh = false): Promise<HoldPrice> {
  const listing = await listingForBooking(deps.orm.em, input.listingId, { fresh });
  if (!listing) throw notFound("listing");
  return { ...priceForBooking(listing, input), pricingVersion: listing.pricingVersion };
}

function priceChanged(now: HoldPrice) {
  return conflict(
    "price_changed",
    `The price of this stay changed since it was quoted: it is now ${formatMoney(now.total, now.currency)}. Ask for a new quote.`,
  );
}

/**
 * The lapsed holds (expired now) and lapsed requests (declined now) of one listing overlapping a
 * stay: createBooking's retry.
 */
const clearLapsedInTheWay = defineCommand({
  name: "bookings.expireHoldsInTheWay",
  input: z.object({ listingId: z.guid(), checkIn: stayDate, checkOut: stayDate }),
  actor: "system",
  async run({ input, tx }) {
    await lockListingAvailability(tx, input.listingId);
    const filter = { listingId: input.listingId, range: input };
    return (await expireHolds(tx, filter)) + (await declineLapsedRequests(tx, filter));
  },
});
