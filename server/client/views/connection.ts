import { h } from "../dom.js";
import type { ConnectionState, Live } from "../live.js";

const LABELS: Record<ConnectionState, string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  offline: "Offline",
};

/** The connection indicator, a polite live region so a screen reader hears "Reconnecting…". */
export function connectionIndicator(live: Live): { el: HTMLElement; dispose(): void } {
  const label = h("span", { class: "label" }, "");
  const el = h(
    "span",
    { class: "connection", role: "status", "aria-live": "polite", "data-testid": "connection-status" },
    h("span", { class: "dot", "aria-hidden": "true" }),
    label,
  );
  const dispose = live.onState((state) => {
    el.dataset.state = state;
    label.textContent = LABELS[state];
    el.title = state === "live" ? "Updates arrive as they happen" : "Updates resume when the connection is back";
  });
  return { el, dispose };
}
