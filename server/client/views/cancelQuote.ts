import type { components } from "../../../shared/api/openapi.js";
import type { BookingView } from "../../../shared/domain/bookings/view.js";
import { api } from "../api.js";
import { h } from "../dom.js";
import { money } from "../format.js";

export type Cancellation = components["schemas"]["Cancellation"];

/** What cancelling this booking now would refund the person asking (GET /bookings/:id/cancellation). */
export function fetchCancellationQuote(bookingId: string): Promise<Cancellation> {
  return api.get<Cancellation>(`/bookings/${bookingId}/cancellation`);
}

/**
 * The sentence shown before the cancel button acts: the refund and the rule that decided it, worded for
 * the guest ("You will get back…") or the host ("The guest will get back…").
 */
export function cancelQuoteText(quote: Cancellation, booking: BookingView, as: "guest" | "host"): HTMLElement {
  const amount = money(quote.refund.amount, quote.refund.currency);
  const who = as === "guest" ? "You will get back" : `${booking.guestName} will get back`;
  const what =
    booking.status === "confirmed"
      ? "Cancel this stay?"
      : booking.status === "pending_approval"
        ? "Withdraw this request?"
        : "Cancel this hold?";
  // Nothing paid yet (a hold, a request): nothing to give back, and saying "0.00" would only alarm.
  const refund =
    booking.status === "confirmed" || quote.refund.amount > 0 ? `${who} ${amount}.` : "Nothing was charged.";
  return h(
    "span",
    { class: "confirm-text", "data-testid": "cancel-quote", "data-refund": String(quote.refund.amount) },
    `${what} ${refund} `,
    h("small", { class: "muted" }, `(${quote.rule.description})`),
  );
}
