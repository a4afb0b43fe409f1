import type { BookingView } from "../../../shared/domain/bookings/view.js";
import { api, type Page } from "../api.js";
import type { AppContext } from "../context.js";
import { fill, h } from "../dom.js";
import { BookingCard, type Perspective } from "./bookingCard.js";
import { loadingText, showError } from "./common.js";

/** Up to this many bookings are shown, newest first (a page of 100 — the API's maximum). */
const SHOWN = 100;

/**
 * A live list of bookings as a guest ("My trips") or as a host (incoming bookings). It loads once, then
 * follows events: a new booking is inserted at the top, a changed one re-rendered where it is; after a
 * reconnect that could not resume, it reloads.
 */
export function bookingList(
  app: AppContext,
  options: { as: Perspective; emptyText: string; highlight?: string | null },
): { el: HTMLElement; dispose(): void } {
  const me = app.session.user.id;
  const cards = new Map<string, BookingCard>();
  // Not a live region: the alerts announce each change, and a live list would also read every countdown tick.
  const list = h("div", { class: "booking-list", "data-testid": `bookings-${options.as}` });
  const errorSlot = h("div");
  const el = h("div", {}, errorSlot, list);
  const mine = (b: BookingView) => (options.as === "guest" ? b.guestId === me : b.hostId === me);

  function place(booking: BookingView, isNew: boolean): void {
    const existing = cards.get(booking.id);
    if (existing) {
      existing.update(booking);
      return;
    }
    list.querySelector(".empty")?.remove();
    const card = new BookingCard(booking, options.as);
    cards.set(booking.id, card);
    list.prepend(card.el);
    if (isNew) {
      card.el.classList.add("new");
      card.flash();
    }
  }

  async function load(): Promise<void> {
    if (cards.size === 0) fill(list, loadingText("Loading bookings…"));
    try {
      const page = await api.get<Page<BookingView>>("/bookings", {
        as: options.as === "host" ? "host" : undefined,
        limit: SHOWN,
      });
      const sorted = [...page.data].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      cards.clear();
      fill(list);
      for (const booking of sorted) place(booking, false);
      if (sorted.length === 0) fill(list, h("p", { class: "muted empty" }, options.emptyText));
      showError(errorSlot, null);
      const target = options.highlight ? cards.get(options.highlight) : null;
      if (target) {
        target.flash();
        target.el.scrollIntoView({ block: "center" });
      }
    } catch (err) {
      if (cards.size === 0) fill(list);
      showError(errorSlot, err, "bookings-error");
    }
  }
  void load();

  const disposers = [
    app.live.on("booking.created", (event) => {
      if (mine(event.data)) place(event.data, true);
    }),
    app.live.on("booking.updated", (event) => {
      if (mine(event.data)) place(event.data, !cards.has(event.data.id));
    }),
    app.live.on("payment.updated", (event) => cards.get(event.data.bookingId)?.paymentChanged(event.data)),
    app.live.onResync(() => void load()),
  ];
  return {
    el,
    dispose: () => {
      for (const d of disposers) d();
    },
  };
}
