import { h } from "./dom.js";

export type AlertTone = "info" | "success" | "error" | "new";

/**
 * Toasts in one live region. role="alert" makes screen readers announce each as it appears; a new
 * booking stays until dismissed (a host must not miss it), the rest fade after a while.
 */
export class Alerts {
  readonly el = h("section", { class: "alerts", "aria-label": "Alerts" });

  show(message: string, options: { tone?: AlertTone; sticky?: boolean; testid?: string } = {}): HTMLElement {
    const tone = options.tone ?? "info";
    const toast = h(
      "div",
      { class: `toast toast-${tone}`, role: "alert", "data-testid": options.testid ?? "alert", "data-tone": tone },
      h("p", {}, message),
      h(
        "button",
        { type: "button", class: "toast-close", "aria-label": "Dismiss alert", onclick: () => toast.remove() },
        "×",
      ),
    );
    this.el.prepend(toast);
    while (this.el.children.length > 4) this.el.lastElementChild!.remove();
    if (!options.sticky) setTimeout(() => toast.remove(), 12_000);
    return toast;
  }

  clear(): void {
    this.el.replaceChildren();
  }
}
