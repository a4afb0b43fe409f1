import type { BookingView } from "../../../shared/domain/bookings/view.js";
import { api, type Page } from "../api.js";
import type { AppContext } from "../context.js";
import { fill, h } from "../dom.js";
import { instant, money, stayRange } from "../format.js";
import { errorBox, loadingText, showError } from "./common.js";

/**
 * The host's pending requests to book, each with Accept and Decline. Live on every open page: a new
 * request (booking.created, pending_approval) appears at the top; once answered (here, on another
 * page, by an admin or by the deadline) its booking.updated takes it off the list; after a
 * reconnect that could not resume, the list reloads.
 */
export function requestsSection(app: AppContext): { el: HTMLElement; dispose(): void } {
  const me = app.session.user.id;
  const rows = new Map<string, RequestRow>();
  const list = h("div", { class: "booking-list", "data-testid": "host-requests" });
  const errorSlot = h("div");
  const empty = () => h("p", { class: "muted empty" }, "No requests waiting for you.");

  function add(booking: BookingView, isNew: boolean): void {
    if (rows.has(booking.id)) return;
    list.querySelector(".empty")?.remove();
    const row = new RequestRow(booking, app, (answered) => remove(answered.id));
    rows.set(booking.id, row);
    list.prepend(row.el);
    if (isNew) row.el.classList.add("new", "flash");
  }

  function remove(id: string): void {
    rows.get(id)?.el.remove();
    rows.delete(id);
    if (rows.size === 0) fill(list, empty());
  }

  async function load(): Promise<void> {
    if (rows.size === 0) fill(list, loadingText("Loading requests…"));
    try {
      const page = await api.get<Page<BookingView>>("/bookings", {
        as: "host",
        status: "pending_approval",
        limit: 100,
      });
      rows.clear();
      fill(list);
      for (const booking of [...page.data].reverse()) add(booking, false);
      if (rows.size === 0) fill(list, empty());
      showError(errorSlot, null);
    } catch (err) {
      if (rows.size === 0) fill(list);
      showError(errorSlot, err, "requests-error");
    }
  }
  void load();

  const disposers = [
    app.live.on("booking.created", (event) => {
      if (event.data.hostId === me && event.data.status === "pending_approval") add(event.data, true);
    }),
    app.live.on("booking.updated", (event) => {
      if (event.data.status !== "pending_approval") remove(event.data.id);
    }),
    app.live.onResync(() => void load()),
  ];
  const el = h(
    "section",
    { "aria-labelledby": "requests-title" },
    h("h2", { id: "requests-title" }, "Requests to book"),
    errorSlot,
    list,
  );
  return {
    el,
    dispose: () => {
      for (const d of disposers) d();
    },
  };
}

class RequestRow {
  readonly el: HTMLElement;
  private error: unknown = null;
  private working = false;

  constructor(
    private readonly booking: BookingView,
    private readonly app: AppContext,
    private readonly onAnswered: (booking: BookingView) => void,
  ) {
    this.el = h("article", {
      class: "card booking-card",
      "data-testid": "request-card",
      "data-booking-id": booking.id,
    });
    this.render();
  }

  private render(): void {
    const b = this.booking;
    fill(
      this.el,
      h(
        "header",
        { class: "booking-head" },
        h("h3", {}, h("a", { href: `#/listing/${b.listingId}` }, b.listingTitle)),
        h("span", { class: "badge status-pending_approval" }, "Awaiting you"),
      ),
      h(
        "p",
        {},
        h("strong", { "data-testid": "request-guest" }, `${b.guestName} · `),
        `${stayRange(b.checkIn, b.checkOut)} · ${b.nights} night${b.nights === 1 ? "" : "s"} · ${b.guests} guest${b.guests === 1 ? "" : "s"}`,
      ),
      h(
        "p",
        { class: "price" },
        h("strong", {}, money(b.totalPrice, b.currency)),
        b.expiresAt ? h("span", { class: "muted" }, ` · answer by ${instant(b.expiresAt)}`) : null,
      ),
      h(
        "div",
        { class: "actions", "aria-busy": this.working ? "true" : null },
        h(
          "button",
          {
            type: "button",
            class: "primary",
            "data-testid": "request-accept",
            disabled: this.working,
            onclick: () => void this.answer("accept"),
          },
          "Accept",
        ),
        h(
          "button",
          {
            type: "button",
            class: "danger",
            "data-testid": "request-decline",
            disabled: this.working,
            onclick: () => void this.answer("decline"),
          },
          "Decline",
        ),
      ),
      this.error ? errorBox(this.error, "request-error") : null,
    );
  }

  private async answer(how: "accept" | "decline"): Promise<void> {
    this.working = true;
    this.error = null;
    this.render();
    try {
      const { booking } = await api.post<{ booking: BookingView }>(`/bookings/${this.booking.id}/${how}`);
      this.app.alerts.show(
        how === "accept"
          ? `Accepted ${booking.guestName}'s request; they have until ${instant(booking.expiresAt ?? booking.updatedAt)} to pay.`
          : `Declined ${booking.guestName}'s request; the dates are free again.`,
        { tone: "success" },
      );
      this.onAnswered(booking);
    } catch (err) {
      this.error = err;
      this.working = false;
      this.render();
    }
  }
}
