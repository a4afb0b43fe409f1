import type { components } from "../../../shared/api/openapi.js";
import { ApiError, api } from "../api.js";
import { fill, h } from "../dom.js";
import { money } from "../format.js";

type Quote = components["schemas"]["Quote"];

export interface StayChoice {
  checkIn: string;
  checkOut: string;
  guests: number;
}

/**
 * The itemised price of the stay being chosen, asked of GET /listings/:id/quote as the dates and
 * guests change (a short pause first, and only the latest answer shown). `quoteFor(stay)` is the
 * quote on screen if it is for exactly that stay: its token books at exactly that price.
 */
export function quoteBreakdown(listingId: string) {
  const el = h("div", { class: "quote", "aria-live": "polite", "data-testid": "quote" });
  let shown: { stay: string; quote: Quote } | null = null;
  let asked = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** The stay last asked for ("" for none). */
  let wanted: string | null = null;

  function render(quote: Quote) {
    fill(
      el,
      h(
        "table",
        { class: "quote-lines", "data-testid": "quote-lines" },
        h(
          "tbody",
          {},
          quote.lines.map((line) =>
            h(
              "tr",
              { "data-kind": line.kind },
              h("td", {}, line.label),
              h("td", { class: "amount" }, money(line.amount, quote.currency)),
            ),
          ),
        ),
        h(
          "tfoot",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "row" }, "Total"),
            h("td", { class: "amount", "data-testid": "quote-total" }, money(quote.total, quote.currency)),
          ),
        ),
      ),
    );
  }

  async function ask(stay: StayChoice) {
    const mine = ++asked;
    try {
      const quote = await api.get<Quote>(`/listings/${encodeURIComponent(listingId)}/quote`, { ...stay });
      if (mine !== asked) return;
      shown = { stay: JSON.stringify(stay), quote };
      render(quote);
    } catch (err) {
      if (mine !== asked) return;
      shown = null;
      const message = err instanceof ApiError && err.details[0] ? err.details[0].message : (err as Error).message;
      fill(el, h("p", { class: "muted small", "data-testid": "quote-error" }, `No price yet: ${message}.`));
    }
  }

  return {
    el,
    /** The stay changed: price it again (nothing while it is incomplete). */
    update(stay: StayChoice | null) {
      // The same stay again (a change event after its input events): keep what is shown, so nothing moves under the pointer.
      const key = stay ? JSON.stringify(stay) : "";
      if (key === wanted) return;
      wanted = key;
      clearTimeout(timer);
      asked++;
      shown = null;
      if (!stay) {
        fill(el);
        return;
      }
      fill(el, h("p", { class: "muted small" }, "Pricing your stay…"));
      timer = setTimeout(() => void ask(stay), 150);
    },
    quoteFor(stay: StayChoice): Quote | null {
      return shown && shown.stay === JSON.stringify(stay) ? shown.quote : null;
    },
    refresh(stay: StayChoice) {
      return ask(stay);
    },
  };
}
