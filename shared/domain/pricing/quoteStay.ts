import { z } from "zod";
import { notFound, validationFailed } from "../../errors.js";
import { digits } from "../../text.js";
import { MAX_NIGHTS, nightsBetween, stayDate, todayUtc } from "../bookings/stayInput.js";
import { defineQuery } from "../commands/define.js";
import { type ListingForPricing, loadListingForPricing, priceForBooking } from "./listingPricing.js";
import { priceBreakdownSchema } from "./priceStay.js";
import { signQuote } from "./quoteToken.js";

/** GET /listings/:id/quote's query: the stay as a booking would send it. */
export const quoteQuerySchema = z
  .object({
    checkIn: stayDate,
    checkOut: stayDate,
    guests: digits({ min: 1, max: 1000 }).meta({ description: "A whole number from 1 to 1000." }),
  })
  .superRefine((stay, ctx) => {
    if (!stayDate.safeParse(stay.checkIn).success || !stayDate.safeParse(stay.checkOut).success) return;
    if (stay.checkIn < todayUtc())
      ctx.addIssue({ code: "custom", path: ["checkIn"], message: "must not be in the past" });
    const nights = nightsBetween(stay.checkIn, stay.checkOut);
    if (nights < 1) ctx.addIssue({ code: "custom", path: ["checkOut"], message: "must be after checkIn" });
    if (nights > MAX_NIGHTS) {
      ctx.addIssue({ code: "custom", path: ["checkOut"], message: `a stay is at most ${MAX_NIGHTS} nights` });
    }
  });

export const quoteSchema = priceBreakdownSchema
  .extend({
    quoteToken: z.string().meta({
      description: "Send it with POST /bookings (quoteToken) to book at exactly this price until expiresAt.",
    }),
    expiresAt: z.iso.datetime(),
  })
  .meta({ id: "Quote" });
export type Quote = z.infer<typeof quoteSchema>;

/** The listing's own limits on a stay, as a booking would be refused for them (400). */
export function assertStayFits(
  listing: ListingForPricing,
  stay: { checkIn: string; checkOut: string; guests: number },
) {
  const nights = nightsBetween(stay.checkIn, stay.checkOut);
  if (nights < listing.minNights || nights > listing.maxNights) {
    throw validationFailed([
      { path: "checkOut", message: `this listing takes stays of ${listing.minNights} to ${listing.maxNights} nights` },
    ]);
  }
  if (stay.guests > listing.maxGuests) {
    throw validationFailed([{ path: "guests", message: `this listing hosts at most ${listing.maxGuests} guests` }]);
  }
}

/**
 * What a stay would cost, line by line (priceStay), with a signed token that lets a booking keep
 * exactly this price for QUOTE_TOKEN_MINUTES. Anyone may ask; an archived or unknown listing is 404,
 * a stay the listing does not take (nights, guests) is 400, as the booking would be.
 */
export const quoteStay = defineQuery({
  name: "listings.quote",
  actor: "system",
  input: z.object({ listingId: z.guid() }).and(quoteQuerySchema),
  async run({ input, em }): Promise<Quote> {
    const listing = await loadListingForPricing(em, input.listingId);
    if (listing?.status !== "active") throw notFound("listing");
    const stay = { checkIn: input.checkIn, checkOut: input.checkOut, guests: input.guests };
    assertStayFits(listing, stay);
    const price = priceForBooking(listing, stay);
    const { token, expiresAt } = signQuote({ listingId: listing.id, ...stay }, price);
    return { ...price, quoteToken: token, expiresAt };
  },
});
