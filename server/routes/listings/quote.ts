import type Router from "@koa/router";
import { quoteQuerySchema, quoteSchema, quoteStay } from "../../../shared/domain/pricing/quoteStay.js";
import type { AppDeps } from "../../deps.js";
import { errorResponse, jsonResponse } from "../../openapi.js";
import { idParam, idPathParams } from "../params.js";
import { route } from "../route.js";

/** GET /listings/:id/quote: what a stay costs, line by line, with the token that keeps that price for a booking. */
export function addListingQuoteRoutes(router: Router, deps: AppDeps): void {
  route(router, deps, {
    method: "get",
    path: "/listings/:id/quote",
    auth: "none",
    query: quoteStay,
    input: (ctx) => ({ ...ctx.query, listingId: idParam(ctx, "listing") }),
    present: (quote) => ({
      lines: quote.lines.map((line) => ({ ...line })),
      total: quote.total,
      currency: quote.currency,
      quoteToken: quote.quoteToken,
      expiresAt: quote.expiresAt,
    }),
    describe: {
      summary: "The itemised price of a stay",
      description:
        "Lines in this order, each left out when 0: nights (one line per run of nights at one price: base, weekend " +
        "(Friday and Saturday nights) or a seasonal override, the shortest override covering a night winning), " +
        "extra_guests (per night above includedGuests), discount (negative: weekly from 7 nights, monthly from 28, " +
        "of the nights only), cleaning_fee (once), service_fee (SERVICE_FEE_PERCENT of the subtotal) and taxes " +
        "(TAX_PERCENT of the subtotal plus the service fee). Rounding: every line is rounded to the minor unit on " +
        "its own (half up); total is the sum of the lines. Send quoteToken with POST /bookings to book at exactly " +
        "this price until expiresAt, whatever the host changes meanwhile. Availability is not checked: the booking " +
        "decides.",
      requestParams: { path: idPathParams, query: quoteQuerySchema },
      responses: {
        200: jsonResponse("The quote.", quoteSchema),
        400: errorResponse(
          "validation_failed: bad dates, a past checkIn, checkOut not after checkIn, nights or guests the listing does not take.",
        ),
        404: errorResponse("not_found: unknown or archived listing."),
      },
    },
  });
}
