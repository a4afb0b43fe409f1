import type { components } from "../../../shared/api/openapi.js";
import { api } from "../api.js";
import { fill, h } from "../dom.js";
import { instant, stayRange } from "../format.js";
import { busy, labelled, showError } from "./common.js";

type Calendar = components["schemas"]["CalendarSettings"];
type Feed = components["schemas"]["CalendarFeed"];

const OUTCOME_LABELS: Record<NonNullable<Feed["lastOutcome"]>, string> = {
  ok: "synced",
  not_modified: "synced (unchanged)",
  failed: "failed",
};

export interface CalendarSync {
  el: HTMLElement;
  /** Loads the listing's settings (again); `onChange` runs after a change that moves imported nights. */
  open(listingId: string): Promise<void>;
}

/**
 * A listing's calendar sync with other channels (issue 21): its export URL (copy it, rotate it), the
 * feeds it imports with their status (last sync, outcome, events, error; fetch now, remove), a form
 * to add one, and the conflicts between imported events and Nexus reservations.
 */
export function calendarSync(options: { onChange: () => void }): CalendarSync {
  const el = h("section", {
    class: "stack calendar-sync",
    "data-testid": "calendar-sync",
    "aria-labelledby": "sync-title",
  });
  let listingId: string | null = null;
  const errorSlot = h("div");
  const status = h("p", { class: "muted small", role: "status", "data-testid": "sync-status" });
  const exportUrl = h("input", { readonly: true, "data-testid": "export-url", "aria-label": "Export URL" });
  const copy = h("button", { type: "button", "data-testid": "export-copy" }, "Copy");
  const rotate = h("button", { type: "button", "data-testid": "export-rotate" }, "New URL");
  const feedList = h("ul", { class: "feeds", "data-testid": "feeds" });
  const conflictList = h("ul", { class: "conflicts", "data-testid": "conflicts" });
  const name = h("input", {
    name: "name",
    required: true,
    maxlength: 100,
    placeholder: "e.g. Airbnb",
    "data-testid": "feed-name",
  });
  const url = h("input", {
    name: "url",
    type: "url",
    required: true,
    maxlength: 2048,
    placeholder: "https://…/calendar.ics",
    "data-testid": "feed-url",
  });
  const addForm = h(
    "form",
    { class: "stack", "aria-label": "Import a calendar" },
    h("div", { class: "row" }, labelled("Name", name), labelled("Feed URL (iCal)", url)),
    h("button", { type: "submit", class: "primary", "data-testid": "feed-add" }, "Import calendar"),
  );

  copy.addEventListener("click", async () => {
    exportUrl.select();
    try {
      await navigator.clipboard.writeText(exportUrl.value);
      fill(status, "Export URL copied.");
    } catch {
      fill(status, "Select the URL and copy it.");
    }
  });
  rotate.addEventListener("click", async () => {
    if (!listingId) return;
    try {
      const res = await api.post<{ exportUrl: string }>(
        `/listings/${encodeURIComponent(listingId)}/calendar/export-token`,
        {},
      );
      exportUrl.value = res.exportUrl;
      fill(status, "New export URL: give it to your other channels; the old one no longer works.");
    } catch (err) {
      showError(errorSlot, err, "sync-error");
    }
  });
  addForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!listingId) return;
    showError(errorSlot, null);
    try {
      await busy(addForm, () =>
        api.post(`/listings/${encodeURIComponent(listingId!)}/calendar/feeds`, {
          name: name.value.trim(),
          url: url.value.trim(),
        }),
      );
      name.value = "";
      url.value = "";
      fill(status, "Calendar added; its first sync starts within a minute.");
      await load();
    } catch (err) {
      showError(errorSlot, err, "sync-error");
    }
  });

  function feedItem(feed: Feed): HTMLElement {
    const outcome = feed.lastOutcome ? OUTCOME_LABELS[feed.lastOutcome] : "waiting for its first sync";
    const when = feed.lastSyncAt ? ` ${instant(feed.lastSyncAt)}` : "";
    return h(
      "li",
      { "data-testid": "feed", "data-outcome": feed.lastOutcome ?? "pending" },
      h("strong", {}, feed.name),
      " ",
      h("span", { class: "muted small feed-url" }, feed.url),
      h(
        "p",
        { class: feed.lastOutcome === "failed" ? "error-text small" : "muted small", "data-testid": "feed-status" },
        `${outcome}${when} · ${feed.eventCount} event${feed.eventCount === 1 ? "" : "s"}`,
        feed.lastError ? ` · ${feed.lastError}` : null,
        feed.failures > 1 ? ` · ${feed.failures} failures in a row, next try ${instant(feed.nextSyncAt)}` : null,
      ),
      h("button", { type: "button", "data-testid": "feed-sync", onclick: () => void act(feed, "sync") }, "Sync now"),
      " ",
      h("button", { type: "button", "data-testid": "feed-remove", onclick: () => void act(feed, "remove") }, "Remove"),
    );
  }

  async function act(feed: Feed, what: "sync" | "remove") {
    if (!listingId) return;
    const path = `/listings/${encodeURIComponent(listingId)}/calendar/feeds/${encodeURIComponent(feed.id)}`;
    try {
      if (what === "sync") await api.post(`${path}/sync`, {});
      else await api.delete(path);
      fill(
        status,
        what === "sync" ? `${feed.name} will sync in a moment.` : `${feed.name} removed; its nights are free.`,
      );
      await load();
      if (what === "remove") options.onChange();
    } catch (err) {
      showError(errorSlot, err, "sync-error");
    }
  }

  async function load() {
    if (!listingId) return;
    const { calendar } = await api.get<{ calendar: Calendar }>(`/listings/${encodeURIComponent(listingId)}/calendar`);
    if (calendar.listingId !== listingId) return;
    exportUrl.value = calendar.exportUrl;
    fill(
      feedList,
      calendar.feeds.length ? calendar.feeds.map(feedItem) : h("li", { class: "muted" }, "No imported calendars."),
    );
    fill(
      conflictList,
      calendar.conflicts.map((c) =>
        h(
          "li",
          { class: "error-text", "data-testid": "conflict" },
          `${c.feedName} blocks ${stayRange(c.checkIn, c.checkOut)}, already booked here: the booking stands; free those nights on ${c.feedName}.`,
        ),
      ),
    );
  }

  fill(
    el,
    h("h3", { id: "sync-title" }, "Calendar sync"),
    h(
      "p",
      { class: "muted small" },
      "Give this URL to your other channels so they see your booked and blocked nights:",
    ),
    h("div", { class: "row" }, exportUrl, copy, rotate),
    h("h4", {}, "Imported calendars"),
    feedList,
    conflictList,
    addForm,
    errorSlot,
    status,
  );

  return {
    el,
    async open(id: string) {
      listingId = id;
      showError(errorSlot, null);
      fill(status);
      await load();
    },
  };
}
