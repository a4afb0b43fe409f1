import { ApiError } from "../api.js";
import { fill, h } from "../dom.js";

/** A polite, readable error: the server's message plus which fields were wrong. */
export function errorBox(err: unknown, testid = "error"): HTMLElement {
  const apiError = err instanceof ApiError ? err : null;
  const message = apiError?.message ?? "Something went wrong in the page. Reload and try again.";
  if (!apiError) console.error(err);
  return h(
    "div",
    { class: "error-box", role: "alert", "data-testid": testid, "data-code": apiError?.code ?? "client_error" },
    h("p", {}, message),
    apiError?.details.length
      ? h(
          "ul",
          {},
          apiError.details.map((d) => h("li", {}, d.path ? `${d.path}: ${d.message}` : d.message)),
        )
      : null,
  );
}

/** Shows the error in `slot`, or clears it when `err` is null. */
export function showError(slot: Element, err: unknown | null, testid?: string): void {
  if (err === null) fill(slot);
  else fill(slot, errorBox(err, testid));
}

export function heading(text: string): HTMLHeadingElement {
  // tabindex -1: the router moves focus here after navigation, so screen readers start at the top.
  return h("h1", { tabindex: -1, class: "view-title" }, text);
}

export function loadingText(text = "Loading…"): HTMLElement {
  return h("p", { class: "muted", role: "status" }, text);
}

export function labelled(label: string, input: HTMLElement, hint?: string): HTMLElement {
  const id = input.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  input.id = id;
  return h("div", { class: "field" }, h("label", { for: id }, label), input, hint ? h("small", {}, hint) : null);
}

/** Disables a form's controls while `work` runs, so a double click cannot submit twice. */
export async function busy<T>(form: HTMLElement, work: () => Promise<T>): Promise<T> {
  const controls = [...form.querySelectorAll<HTMLButtonElement | HTMLInputElement>("button, input, select")];
  const before = controls.map((c) => c.disabled);
  form.setAttribute("aria-busy", "true");
  for (const c of controls) c.disabled = true;
  try {
    return await work();
  } finally {
    form.removeAttribute("aria-busy");
    controls.forEach((c, i) => {
      c.disabled = before[i];
    });
  }
}
