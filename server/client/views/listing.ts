import type { BookingView, StayRange } from "../../../shared/domain/bookings/view.js";
import type { ListingView } from "../../../shared/domain/listings/view.js";
import { ApiError, api } from "../api.js";
import type { AppContext, Route, View } from "../context.js";
import { field, fill, h, uuid } from "../dom.js";
import { isoDay, money } from "../format.js";
import { BookingCard } from "./bookingCard.js";
import { blockedCalendar, calendarWindow } from "./calendar.js";
import { busy, heading, labelled, loadingText, showError } from "./common.js";
import { gallery } from "./gallery.js";
import { quoteBreakdown, type StayChoice } from "./quoteBreakdown.js";

/** #/listing/<id>?checkIn=&checkOut=&guests= — details, live availability and the booking form. */
export function listingView(app: AppContext, route: Route): View {
  const listingId = route.path[1] ?? "";
  const body = h("div", {}, loadingText());
  const el = h("section", { class: "view" }, h("p", {}, h("a", { href: "#/search" }, "← Back to search")), body);
  const calendar = blockedCalendar();
  const availabilityNote = h("p", { class: "muted small", role: "status" });
  const stopWatching = app.live.watchListing(listingId);
  const disposers: (() => void)[] = [stopWatching];

  disposers.push(
    app.live.on("listing.availability", (event) => {
      if (event.data.listingId === listingId) calendar.render(event.data.blocked);
    }),
  );

  async function refreshAvailability() {
    const { blocked } = await api.get<{ blocked: StayRange[] }>(
      `/listings/${encodeURIComponent(listingId)}/availability`,
      calendarWindow(),
    );
    calendar.render(blocked);
  }
  disposers.push(app.live.onResync(() => void refreshAvailability().catch(() => {})));

  // The hold just made here keeps changing (paid, expired): follow it like My trips does.
  function followCard(card: BookingCard) {
    disposers.push(
      app.live.on("booking.updated", (event) => {
        if (event.data.id === card.booking.id) card.update(event.data);
      }),
      app.live.on("payment.updated", (event) => {
        if (event.data.bookingId === card.booking.id) card.paymentChanged(event.data);
      }),
    );
  }

  async function load() {
    try {
      const [{ listing }] = await Promise.all([
        api.get<{ listing: ListingView }>(`/listings/${encodeURIComponent(listingId)}`),
        refreshAvailability().then(
          () => fill(availabilityNote, "Booked nights are marked and update live."),
          (err) => fill(availabilityNote, `Availability could not be loaded: ${(err as Error).message}`),
        ),
      ]);
      const own = listing.hostId === app.session.user.id;
      fill(
        body,
        heading(listing.title),
        gallery(listing.photos, listing.title),
        h(
          "p",
          { class: "muted" },
          `${listing.city}, ${listing.country} · up to ${listing.maxGuests} guests · `,
          h("strong", {}, money(listing.pricePerNight, listing.currency)),
          " / night",
        ),
        h("p", { class: "description" }, listing.description),
        h(
          "div",
          { class: "columns" },
          h(
            "section",
            { class: "card", "aria-labelledby": "availability-title" },
            h("h2", { id: "availability-title" }, "Availability"),
            availabilityNote,
            calendar.el,
          ),
          own
            ? h("section", { class: "card" }, h("h2", {}, "This is your listing"), h("p", {}, "Guests book it here."))
            : bookingForm(app, listing, route.params, followCard),
        ),
      );
      (body.querySelector("h1") as HTMLElement | null)?.focus();
    } catch (err) {
      fill(body, heading("Listing"));
      showError(body.appendChild(h("div")), err, "listing-error");
    }
  }
  void load();

  return {
    el,
    dispose: () => {
      for (const d of disposers) d();
    },
  };
}

function bookingForm(
  app: AppContext,
  listing: ListingView,
  params: URLSearchParams,
  onBooked: (card: BookingCard) => void,
): HTMLElement {
  const checkIn = h("input", {
    name: "checkIn",
    type: "date",
    required: true,
    min: isoDay(0),
    value: params.get("checkIn") ?? "",
    "data-testid": "book-check-in",
  });
  const checkOut = h("input", {
    name: "checkOut",
    type: "date",
    required: true,
    min: isoDay(1),
    value: params.get("checkOut") ?? "",
    "data-testid": "book-check-out",
  });
  const guests = h("input", {
    name: "guests",
    type: "number",
    required: true,
    min: 1,
    max: listing.maxGuests,
    value: params.get("guests") ?? "1",
    "data-testid": "book-guests",
  });
  const breakdown = quoteBreakdown(listing.id);
  const errorSlot = h("div");
  const result = h("div", { "data-testid": "booking-result" });
  // One key per attempt: a retry of the same request (double click, flaky network) is answered once.
  let idempotencyKey = uuid();
  let keyFor = "";

  // The itemised quote follows the dates and guests; booking presents its token, so the price shown is the price held.
  const stay = (): StayChoice | null =>
    checkIn.value && checkOut.value && checkOut.value > checkIn.value && Number(guests.value) >= 1
      ? { checkIn: checkIn.value, checkOut: checkOut.value, guests: Number(guests.value) }
      : null;
  const updateQuote = () => breakdown.update(stay());
  for (const input of [checkIn, checkOut, guests]) {
    input.addEventListener("change", updateQuote);
    input.addEventListener("input", updateQuote);
  }
  updateQuote();

  const form = h(
    "form",
    { class: "stack", "aria-label": "Book this place" },
    h("div", { class: "row" }, labelled("Check-in", checkIn), labelled("Check-out", checkOut)),
    labelled("Guests", guests),
    breakdown.el,
    errorSlot,
    h(
      "button",
      { type: "submit", class: "primary", "data-testid": "book-submit" },
      listing.bookingMode === "request" ? "Request to book" : "Book",
    ),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError(errorSlot, null);
    const chosen = {
      checkIn: field(form, "checkIn"),
      checkOut: field(form, "checkOut"),
      guests: Number(field(form, "guests")),
    };
    const quoteToken = breakdown.quoteFor(chosen)?.quoteToken;
    const input = { listingId: listing.id, ...chosen, ...(quoteToken ? { quoteToken } : {}) };
    const signature = JSON.stringify(input);
    if (signature !== keyFor) {
      idempotencyKey = uuid();
      keyFor = signature;
    }
    try {
      const { booking } = await busy(form, () =>
        api.post<{ booking: BookingView }>("/bookings", input, idempotencyKey),
      );
      idempotencyKey = uuid();
      keyFor = "";
      const card = new BookingCard(booking, "guest");
      onBooked(card);
      fill(result, card.el);
      form.remove();
      // On a phone the hold lands below the fold: bring it up and put the keyboard on its next step.
      card.el.scrollIntoView({ block: "center" });
      card.el.querySelector<HTMLButtonElement>("[data-testid=pay-button]")?.focus();
      app.alerts.show(
        booking.status === "pending_approval"
          ? `Request sent: the host of ${booking.listingTitle} will answer soon. The dates are held for you meanwhile.`
          : `Held ${booking.listingTitle} for you. Pay to confirm.`,
        { tone: "success" },
      );
    } catch (err) {
      if (err instanceof ApiError && err.code === "price_changed") {
        void breakdown.refresh(chosen);
        fill(errorSlot, h("p", { class: "error-box", role: "alert", "data-testid": "book-error" }, err.message));
      } else if (err instanceof ApiError && err.code === "dates_unavailable") {
        fill(errorSlot, h("p", { class: "error-box", role: "alert", "data-testid": "book-error" }, datesTaken));
      } else showError(errorSlot, err, "book-error");
    }
  });

  return h(
    "section",
    { class: "card", "aria-labelledby": "book-title" },
    h("h2", { id: "book-title" }, listing.bookingMode === "request" ? "Request to book" : "Book your stay"),
    form,
    result,
  );
}

const datesTaken = "Those dates were just taken by someone else. Pick other dates.";
