import type { BookingView } from "../../../shared/domain/bookings/view.js";
import type { PaymentView } from "../../../shared/domain/payments/view.js";
import { api } from "../api.js";
import { fill, h, uuid } from "../dom.js";
import { countdown, instant, money, STATUS_LABELS, stayRange } from "../format.js";
import { type Cancellation, cancelQuoteText, fetchCancellationQuote } from "./cancelQuote.js";
import { errorBox } from "./common.js";

export type Perspective = "guest" | "host";

const PAYMENT_LABELS: Record<PaymentView["status"], string> = {
  pending: "Payment started, not finished yet.",
  succeeded: "Paid.",
  failed: "The last payment failed. You can try again.",
  refunded: "Payment refunded.",
};

/**
 * One booking, as its guest or its host sees it: status, dates, price, the hold's countdown, and the
 * actions this person may take now. `update` re-renders from a newer BookingView (an event or a reply).
 */
export class BookingCard {
  readonly el: HTMLElement;
  private payment: PaymentView | null = null;
  private confirmingCancel = false;
  /** What cancelling now would refund, fetched when the cancel button is pressed (shown before it acts). */
  private quote: Cancellation | null = null;
  private working = false;
  private error: unknown = null;

  constructor(
    public booking: BookingView,
    private readonly as: Perspective,
  ) {
    this.el = h("article", { class: "card booking-card", "data-testid": "booking-card" });
    this.render();
  }

  update(booking: BookingView): void {
    // Events can overtake a slower HTTP reply: never go back to an older version of the booking.
    if (booking.updatedAt < this.booking.updatedAt) return;
    const changed = booking.status !== this.booking.status;
    this.booking = booking;
    if (!["pending_approval", "pending_payment", "confirmed"].includes(booking.status)) this.confirmingCancel = false;
    this.render();
    if (changed) this.flash();
  }

  paymentChanged(payment: PaymentView): void {
    this.payment = payment;
    this.render();
  }

  flash(): void {
    this.el.classList.remove("flash");
    void this.el.offsetWidth; // restart the CSS animation
    this.el.classList.add("flash");
  }

  private render(): void {
    const b = this.booking;
    this.el.dataset.bookingId = b.id;
    this.el.dataset.status = b.status;
    fill(
      this.el,
      h(
        "header",
        { class: "booking-head" },
        h("h3", {}, h("a", { href: `#/listing/${b.listingId}` }, b.listingTitle)),
        h(
          "span",
          { class: `badge status-${b.status}`, "data-testid": "booking-status" },
          STATUS_LABELS[b.status] ?? b.status,
        ),
      ),
      h(
        "p",
        {},
        this.as === "host" ? h("strong", { "data-testid": "booking-guest" }, `${b.guestName} · `) : null,
        `${stayRange(b.checkIn, b.checkOut)} · ${b.nights} night${b.nights === 1 ? "" : "s"} · ${b.guests} guest${b.guests === 1 ? "" : "s"}`,
      ),
      h(
        "p",
        { class: "price" },
        h("strong", {}, money(b.totalPrice, b.currency)),
        h("span", { class: "muted" }, ` · booked ${instant(b.createdAt)}`),
      ),
      b.status === "pending_payment" && b.expiresAt
        ? h(
            "p",
            { class: "countdown", role: "timer", "data-testid": "hold-countdown", "data-expires-at": b.expiresAt },
            holdText(b.expiresAt),
          )
        : null,
      b.status === "cancelled" && b.refundAmount !== null
        ? h("p", { class: "muted", "data-testid": "booking-refund" }, refundText(b))
        : null,
      this.payment ? h("p", { class: "muted", "data-testid": "payment-status" }, paymentText(this.payment)) : null,
      this.actions(),
      this.error ? errorBox(this.error, "booking-error") : null,
    );
  }

  private actions(): HTMLElement | null {
    const b = this.booking;
    // A request awaiting the host: its guest may withdraw it (the same cancel; nothing was paid).
    const withdrawable = this.as === "guest" && b.status === "pending_approval";
    const cancellable = b.status === "pending_payment" || b.status === "confirmed" || withdrawable;
    const payable = this.as === "guest" && b.status === "pending_payment";
    if (!cancellable && !payable) return null;
    const row = h("div", { class: "actions", "aria-busy": this.working ? "true" : null });
    if (this.confirmingCancel && this.quote) {
      row.append(
        cancelQuoteText(this.quote, b, this.as),
        h(
          "button",
          { type: "button", class: "danger", "data-testid": "cancel-confirm", onclick: () => void this.cancel() },
          "Yes, cancel",
        ),
        h("button", { type: "button", onclick: () => this.setConfirming(false) }, "Keep it"),
      );
      return row;
    }
    if (payable) {
      row.append(
        h(
          "button",
          { type: "button", class: "primary", "data-testid": "pay-button", onclick: () => void this.pay() },
          "Pay with Chapa",
        ),
      );
    }
    if (cancellable) {
      row.append(
        h(
          "button",
          { type: "button", "data-testid": "cancel-button", onclick: () => void this.askCancel() },
          withdrawable ? "Withdraw request" : "Cancel booking",
        ),
      );
    }
    return row;
  }

  /** Asks what cancelling would refund, then shows it with the confirm button; a refusal shows its error. */
  private async askCancel(): Promise<void> {
    await this.act(async () => {
      this.quote = await fetchCancellationQuote(this.booking.id);
      this.confirmingCancel = true;
    });
    if (this.confirmingCancel) this.setConfirming(true);
  }

  private setConfirming(value: boolean): void {
    this.confirmingCancel = value;
    if (!value) this.quote = null;
    this.render();
    const focusTarget = this.el.querySelector<HTMLButtonElement>(
      value ? "[data-testid=cancel-confirm]" : "[data-testid=cancel-button]",
    );
    focusTarget?.focus();
  }

  private async cancel(): Promise<void> {
    await this.act(async () => {
      const { booking } = await api.post<{ booking: BookingView }>(`/bookings/${this.booking.id}/cancel`);
      this.confirmingCancel = false;
      this.update(booking);
    });
    this.confirmingCancel = false;
    this.quote = null;
    this.render();
  }

  private async pay(): Promise<void> {
    await this.act(async () => {
      // A fresh key per click: after a failed payment, the next click must start a new checkout.
      const { payment } = await api.post<{ payment: PaymentView }>(`/bookings/${this.booking.id}/payments`, {}, uuid());
      if (!payment.checkoutUrl) throw new Error("Chapa did not return a checkout page.");
      // Chapa's hosted checkout; it sends the browser back to /?payment=…&booking=… when done.
      location.assign(payment.checkoutUrl);
    });
  }

  /** Runs one action with the buttons disabled, showing its error on the card. */
  private async act(work: () => Promise<void>): Promise<void> {
    this.working = true;
    this.error = null;
    for (const button of this.el.querySelectorAll("button")) button.disabled = true;
    try {
      await work();
    } catch (err) {
      this.error = err;
    } finally {
      this.working = false;
      this.render();
    }
  }
}

const CANCELLED_BY_LABELS: Record<NonNullable<BookingView["cancelledBy"]>, string> = {
  guest: "the guest",
  host: "the host",
  admin: "Nexus support",
  provider: "Chapa (the payment was refunded)",
};

function refundText(b: BookingView): string {
  const by = b.cancelledBy ? `Cancelled by ${CANCELLED_BY_LABELS[b.cancelledBy]}. ` : "";
  return `${by}Refund: ${money(b.refundAmount ?? 0, b.currency)}.`;
}

function paymentText(payment: PaymentView): string {
  // A partial refund (a cancellation's policy share) keeps the payment succeeded.
  if (payment.status === "succeeded" && payment.refundedAmount > 0) {
    return `Paid; ${money(payment.refundedAmount, payment.currency)} refunded.`;
  }
  return PAYMENT_LABELS[payment.status];
}

function holdText(expiresAt: string): string {
  const left = countdown(expiresAt);
  return left ? `Hold expires in ${left}` : "Hold expired; releasing the dates…";
}

/** Called every second: refreshes every hold countdown on the page. */
export function tickCountdowns(root: ParentNode = document): void {
  for (const el of root.querySelectorAll<HTMLElement>("[data-expires-at]")) {
    el.textContent = holdText(el.dataset.expiresAt!);
  }
}
