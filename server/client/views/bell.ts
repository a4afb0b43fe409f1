import type { EventEnvelope, EventType } from "../../../shared/events/eventMap.js";
import { api } from "../api.js";
import type { AppContext } from "../context.js";
import { describeEvent } from "../describe.js";
import { fill, h } from "../dom.js";
import { instant } from "../format.js";
import { errorBox, loadingText } from "./common.js";

interface NotificationsPage {
  data: EventEnvelope[];
  nextCursor: string | null;
  unread: number;
}

const PAGE = 100;
const MAX_PAGES = 10;
const SHOWN = 20;
const USER_EVENTS: EventType[] = [
  "booking.created",
  "booking.updated",
  "payment.updated",
  "message.created",
  "calendar.conflict",
  "security.alert",
];

/**
 * The bell: unread count from GET /notifications, re-read whenever one of the user's own events
 * arrives; opening it lists the latest and marks them read (POST /notifications/read {upTo}).
 */
export function notificationBell(app: AppContext): { el: HTMLElement; refresh(): void; dispose(): void } {
  const count = h("span", { class: "count", "data-testid": "unread-count", hidden: true }, "0");
  const button = h(
    "button",
    {
      type: "button",
      class: "bell",
      "aria-expanded": "false",
      "aria-controls": "notifications-panel",
      "aria-label": "Notifications",
      "data-testid": "notifications-button",
    },
    bellIcon(),
    count,
  );
  const list = h("ol", { class: "notifications" });
  const panel = h(
    "div",
    { id: "notifications-panel", class: "panel", hidden: true, "data-testid": "notifications-panel" },
    h("h2", {}, "Notifications"),
    list,
  );
  const el = h("div", { class: "bell-wrap" }, button, panel);
  let unread = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function setUnread(n: number) {
    unread = Math.max(0, n);
    count.textContent = String(unread);
    count.hidden = unread === 0;
    button.setAttribute("aria-label", unread ? `Notifications, ${unread} unread` : "Notifications, none unread");
  }
  setUnread(0);

  async function readCount() {
    try {
      setUnread((await api.get<NotificationsPage>("/notifications", { limit: 1 })).unread ?? 0);
    } catch {
      // The count is a convenience: a failure leaves the last known one.
    }
  }
  /** Debounced: a burst of events is one request. While the list is open, it reloads (and reads) instead. */
  function refresh() {
    clearTimeout(timer);
    timer = setTimeout(() => void (panel.hidden ? readCount() : open()), 150);
  }

  async function open() {
    panel.hidden = false;
    button.setAttribute("aria-expanded", "true");
    fill(list, h("li", {}, loadingText()));
    try {
      // Oldest first in the API: walk forward with ?after= and keep the newest few.
      let items: EventEnvelope[] = [];
      let after: string | null = null;
      let last: NotificationsPage | null = null;
      for (let i = 0; i < MAX_PAGES; i++) {
        last = await api.get<NotificationsPage>("/notifications", { after, limit: PAGE });
        items = [...items, ...last.data].slice(-SHOWN);
        after = last.nextCursor;
        if (!after) break;
      }
      const newest = [...items].reverse();
      fill(
        list,
        newest.length
          ? newest.map((event) =>
              h(
                "li",
                { "data-testid": "notification" },
                h("p", {}, describeEvent(event, app.session.user.id)),
                h("time", { datetime: event.at }, instant(event.at)),
              ),
            )
          : h("li", { class: "muted" }, "Nothing yet."),
      );
      if (newest.length && (last?.unread ?? unread) > 0) {
        await api.post("/notifications/read", { upTo: newest[0].id });
        setUnread(0);
      }
    } catch (err) {
      fill(list, h("li", {}, errorBox(err, "notifications-error")));
    }
  }
  function close(focusButton: boolean) {
    if (panel.hidden) return;
    panel.hidden = true;
    button.setAttribute("aria-expanded", "false");
    if (focusButton) button.focus();
  }

  button.addEventListener("click", () => (panel.hidden ? void open() : close(false)));
  const onKey = (e: KeyboardEvent) => {
    if (e.key === "Escape") close(true);
  };
  const onClick = (e: MouseEvent) => {
    if (!el.contains(e.target as Node)) close(false);
  };
  document.addEventListener("keydown", onKey);
  document.addEventListener("click", onClick);
  const offs = USER_EVENTS.map((type) => app.live.on(type, refresh));
  offs.push(app.live.onResync(refresh));
  void readCount();

  return {
    el,
    refresh,
    dispose: () => {
      clearTimeout(timer);
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("click", onClick);
      for (const off of offs) off();
    },
  };
}

function bellIcon(): SVGElement {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", "icon");
  const path = document.createElementNS(ns, "path");
  path.setAttribute(
    "d",
    "M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z",
  );
  svg.append(path);
  return svg;
}
