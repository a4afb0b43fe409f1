import type { components } from "../../../shared/api/openapi.js";
import type { StayRange } from "../../../shared/domain/bookings/view.js";
import type { BookingMode, CancellationPolicy } from "../../../shared/domain/listings/status.js";
import type { ListingView } from "../../../shared/domain/listings/view.js";
import { ApiError, api } from "../api.js";
import type { AppContext } from "../context.js";
import { fill, h } from "../dom.js";
import { stayRange } from "../format.js";
import { blockedCalendar, nightsLabel } from "./calendar.js";
import { calendarSync } from "./calendarSync.js";
import { busy, labelled, showError } from "./common.js";
import { photoManager } from "./photoManager.js";
import { priceRulesForm } from "./priceRules.js";

type Block = components["schemas"]["Block"];

const POLICY_LABELS: Record<CancellationPolicy, string> = {
  flexible: "Flexible",
  moderate: "Moderate",
  strict: "Strict",
};
const MODE_LABELS: Record<BookingMode, string> = {
  instant: "Instant book",
  request: "Request to book",
};
/** The rules the form edits: PATCH /listings/:id fields. */
type Rules = Pick<ListingView, "cancellationPolicy" | "bookingMode" | "minNights" | "maxNights" | "timeZone">;

export interface ListingSettings {
  /** The panel (empty until a listing is opened). */
  el: HTMLElement;
  /** A "Settings" button for a listing card of the host dashboard. */
  manageButton(listing: ListingView): HTMLElement;
  dispose(): void;
}

/**
 * The host's settings of one listing: its booking rules (cancellation policy, booking mode,
 * min/max nights, time zone) and its calendar, where the host clicks a check-in night then a last
 * night to block them (with an optional note), and removes blocks. The calendar follows the
 * listing's live availability feed: a guest's booking or a block made elsewhere shows at once.
 */
export function listingSettings(app: AppContext): ListingSettings {
  const el = h("section", { class: "card listing-settings", "data-testid": "listing-settings", hidden: true });
  let current: ListingView | null = null;
  let stopWatching: (() => void) | null = null;
  let blocks: Block[] = [];
  let blocked: StayRange[] = [];
  let selection: StayRange | null = null;

  const selectionText = h("p", { "data-testid": "block-selection", "aria-live": "polite" });
  const note = h("input", {
    name: "note",
    maxlength: 200,
    "data-testid": "block-note",
    placeholder: "e.g. Family visit",
  });
  const blockButton = h(
    "button",
    { type: "submit", class: "primary", "data-testid": "block-submit" },
    "Block these nights",
  );
  const blockError = h("div");
  // Inline, not a toast: a toast would sit over the calendar and the Remove buttons the host uses next.
  const blockStatus = h("p", { class: "muted small", role: "status", "data-testid": "block-status" });
  const blockList = h("ul", { class: "host-blocks", "data-testid": "host-blocks" });
  // Nights imported from other channels' calendars: shown apart from Nexus bookings and the host's blocks.
  const importedList = h("ul", { class: "imported-blocks", "data-testid": "imported-blocks" });
  const sync = calendarSync({ onChange: () => void refresh().catch(() => {}) });
  const calendar = blockedCalendar({
    onSelect: (range) => {
      selection = range;
      blockButton.disabled = !range;
      fill(
        selectionText,
        range
          ? `${stayRange(range.checkIn, range.checkOut)} · ${nightsLabel(range)}`
          : "Click a check-in night, then the last night to block.",
      );
    },
  });
  const blockForm = h(
    "form",
    { class: "stack", "aria-label": "Block nights" },
    selectionText,
    labelled("Note (only you see it)", note),
    blockError,
    blockStatus,
    blockButton,
  );
  blockForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!current || !selection) return;
    showError(blockError, null);
    fill(blockStatus);
    const body = { ...selection, ...(note.value.trim() ? { note: note.value.trim() } : {}) };
    try {
      await busy(blockForm, () =>
        api.post<{ block: Block }>(`/listings/${encodeURIComponent(current!.id)}/blocks`, body),
      );
      note.value = "";
      calendar.clearSelection();
      fill(blockStatus, `Blocked ${stayRange(body.checkIn, body.checkOut)}.`);
      await refresh();
    } catch (err) {
      if (err instanceof ApiError && err.code === "dates_unavailable") {
        fill(
          blockError,
          h(
            "p",
            { class: "error-box", role: "alert", "data-testid": "block-error" },
            "Some of those nights were just booked or blocked. Pick other nights.",
          ),
        );
        await refresh();
      } else showError(blockError, err, "block-error");
    }
  });

  const hostBlocks = () => blocks.filter((b) => b.source === "host");
  const importedBlocks = () => blocks.filter((b) => b.source === "feed");

  function renderBlocks() {
    const imported = importedBlocks();
    fill(
      importedList,
      imported.length
        ? imported.map((b) =>
            h(
              "li",
              { "data-testid": "imported-block", "data-check-in": b.checkIn },
              `${stayRange(b.checkIn, b.checkOut)} · ${nightsLabel(b)}`,
            ),
          )
        : h("li", { class: "muted" }, "No nights imported from other calendars."),
    );
    const own = hostBlocks();
    fill(
      blockList,
      own.length
        ? own.map((b) =>
            h(
              "li",
              { "data-testid": "host-block", "data-check-in": b.checkIn },
              h("span", {}, `${stayRange(b.checkIn, b.checkOut)} · ${nightsLabel(b)}`, b.note ? ` · ${b.note}` : null),
              " ",
              h(
                "button",
                {
                  type: "button",
                  "data-testid": "remove-block",
                  onclick: (e: Event) => void remove(b, e.currentTarget),
                },
                "Remove",
              ),
            ),
          )
        : h("li", { class: "muted" }, "No blocked nights."),
    );
  }

  async function remove(block: Block, button: EventTarget | null) {
    if (!current) return;
    if (button instanceof HTMLButtonElement) button.disabled = true;
    try {
      await api.delete(`/listings/${encodeURIComponent(current.id)}/blocks/${encodeURIComponent(block.id)}`);
      fill(blockStatus, `Freed ${stayRange(block.checkIn, block.checkOut)}.`);
      await refresh();
    } catch (err) {
      showError(blockError, err, "block-error");
      if (button instanceof HTMLButtonElement) button.disabled = false;
    }
  }

  /** Reloads what the calendar shows: every blocked stay (availability) and which of them are the host's blocks. */
  async function refresh() {
    const listing = current;
    if (!listing) return;
    const path = `/listings/${encodeURIComponent(listing.id)}`;
    const [availability, own] = await Promise.all([
      api.get<{ blocked: StayRange[] }>(`${path}/availability`),
      api.get<{ blocks: Block[] }>(`${path}/blocks`),
    ]);
    if (current !== listing) return;
    blocked = availability.blocked;
    blocks = own.blocks;
    calendar.render(blocked, hostBlocks(), importedBlocks());
    renderBlocks();
  }

  const offAvailability = app.live.on("listing.availability", (event) => {
    if (!current || event.data.listingId !== current.id) return;
    // Show the new nights at once; which of them are blocks comes with the reload.
    blocked = event.data.blocked;
    calendar.render(blocked, hostBlocks(), importedBlocks());
    void refresh().catch(() => {});
  });
  const offResync = app.live.onResync(() => void refresh().catch(() => {}));

  function open(listing: ListingView) {
    stopWatching?.();
    current = listing;
    stopWatching = app.live.watchListing(listing.id);
    blocks = [];
    blocked = [];
    calendar.clearSelection();
    calendar.render([], []);
    renderBlocks();
    showError(blockError, null);
    fill(
      el,
      h("h2", { id: "settings-title" }, `Settings · ${listing.title}`),
      h(
        "div",
        { class: "columns" },
        h(
          "div",
          { class: "stack" },
          rulesForm(listing, (saved) => (current = saved)),
          priceRulesForm(listing, (saved) => (current = saved)),
          photoManager(listing),
        ),
        h(
          "section",
          { "aria-labelledby": "calendar-title" },
          h("h3", { id: "calendar-title" }, "Calendar"),
          h("p", { class: "muted small" }, "Booked and blocked nights update live."),
          calendar.el,
          blockForm,
          h("h3", {}, "Blocked nights"),
          blockList,
          h("h3", {}, "Imported from other calendars"),
          importedList,
          sync.el,
        ),
      ),
    );
    el.hidden = false;
    el.setAttribute("aria-labelledby", "settings-title");
    el.scrollIntoView({ block: "start" });
    void refresh().catch((err) => showError(blockError, err, "block-error"));
    void sync.open(listing.id).catch((err) => showError(blockError, err, "block-error"));
  }

  return {
    el,
    manageButton: (listing) =>
      h(
        "button",
        { type: "button", "data-testid": "listing-settings-open", onclick: () => open(listing) },
        "Settings & calendar",
      ),
    dispose: () => {
      stopWatching?.();
      offAvailability();
      offResync();
    },
  };
}

/** The listing's booking rules; only the fields that changed are sent. */
function rulesForm(listing: ListingView, onSaved: (listing: ListingView) => void): HTMLElement {
  let saved: Rules = pickRules(listing);
  const select = <T extends string>(name: string, labels: Record<T, string>, value: T) =>
    h(
      "select",
      { name, "data-testid": `setting-${name}` },
      (Object.keys(labels) as T[]).map((key) => h("option", { value: key, selected: key === value }, labels[key])),
    );
  const policy = select("cancellationPolicy", POLICY_LABELS, listing.cancellationPolicy);
  const mode = select("bookingMode", MODE_LABELS, listing.bookingMode);
  const nights = (name: string, value: number) =>
    h("input", { name, type: "number", min: 1, max: 365, required: true, value, "data-testid": `setting-${name}` });
  const minNights = nights("minNights", listing.minNights);
  const maxNights = nights("maxNights", listing.maxNights);
  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  const timeZone = h("input", {
    name: "timeZone",
    required: true,
    list: "time-zones",
    value: listing.timeZone,
    "data-testid": "setting-timeZone",
  });
  const errorSlot = h("div");
  const status = h("p", { class: "muted small", role: "status", "data-testid": "settings-status" });
  const form = h(
    "form",
    { class: "stack", "aria-label": "Booking rules" },
    h("h3", {}, "Booking rules"),
    labelled("Cancellation policy", policy),
    labelled("Booking mode", mode, "Instant: guests hold the dates and pay. Request: you accept or decline first."),
    h("div", { class: "row" }, labelled("Min nights", minNights), labelled("Max nights", maxNights)),
    labelled("Time zone", timeZone, "The calendar check-in days begin in (IANA name, e.g. Africa/Addis_Ababa)."),
    h(
      "datalist",
      { id: "time-zones" },
      zones.map((z) => h("option", { value: z })),
    ),
    errorSlot,
    status,
    h("button", { type: "submit", class: "primary", "data-testid": "settings-save" }, "Save rules"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError(errorSlot, null);
    const next: Rules = {
      cancellationPolicy: policy.value as CancellationPolicy,
      bookingMode: mode.value as BookingMode,
      minNights: Number(minNights.value),
      maxNights: Number(maxNights.value),
      timeZone: timeZone.value.trim(),
    };
    const patch = Object.fromEntries(
      (Object.keys(next) as (keyof Rules)[]).filter((k) => next[k] !== saved[k]).map((k) => [k, next[k]]),
    );
    if (!Object.keys(patch).length) {
      fill(status, "Nothing changed.");
      return;
    }
    try {
      const { listing: updated } = await busy(form, () =>
        api.patch<{ listing: ListingView }>(`/listings/${encodeURIComponent(listing.id)}`, patch),
      );
      saved = pickRules(updated);
      onSaved(updated);
      fill(status, "Saved.");
    } catch (err) {
      fill(status);
      showError(errorSlot, err, "settings-error");
    }
  });
  return form;
}

function pickRules(l: ListingView): Rules {
  return {
    cancellationPolicy: l.cancellationPolicy,
    bookingMode: l.bookingMode,
    minNights: l.minNights,
    maxNights: l.maxNights,
    timeZone: l.timeZone,
  };
}
