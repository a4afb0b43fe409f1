import type { AppContext, Route, View } from "../context.js";
import { h } from "../dom.js";
import { bookingList } from "./bookingList.js";
import { heading } from "./common.js";

/**
 * #/trips — the guest's bookings, each changing live (held → confirmed / expired / cancelled; a
 * request awaiting the host → held for payment once accepted, or declined).
 */
export function tripsView(app: AppContext, route: Route): View {
  const list = bookingList(app, {
    as: "guest",
    emptyText: "No trips yet. Find a place to stay and book it.",
    highlight: route.params.get("booking"),
  });
  const el = h(
    "section",
    { class: "view" },
    heading("My trips"),
    h(
      "p",
      { class: "muted" },
      "Statuses update live. A held booking keeps its dates until its countdown ends; a request awaits the host's answer.",
    ),
    list.el,
  );
  return { el, dispose: list.dispose };
}
