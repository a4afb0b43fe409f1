import type { StayRange } from "../../../shared/domain/bookings/view.js";
import { fill, h } from "../dom.js";
import { isoDay, nightsBetween, stayDay, stayRange } from "../format.js";

const WEEKS = 6;
const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** The first day the calendar shows: Monday of this week, `page` six-week pages later. */
function calendarStart(page = 0): number {
  const todayIndex = (new Date(`${isoDay(0)}T00:00:00Z`).getUTCDay() + 6) % 7;
  return -todayIndex + page * WEEKS * 7;
}

/** The window of dates the calendar covers, for the availability query. */
export function calendarWindow(): { from: string; to: string } {
  const start = calendarStart();
  return { from: isoDay(0), to: isoDay(start + WEEKS * 7) };
}

const within = (ranges: StayRange[], night: string) => ranges.some((r) => r.checkIn <= night && night < r.checkOut);
/** "Jan 11": the pager's label, short enough for a phone. */
const shortDay = (date: string) => stayDay(date).replace(/^\w+, /, "");
const nextDay = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

export interface CalendarOptions {
  /**
   * The host's calendar: free nights from today on are buttons. A first click picks the check-in
   * night, a second click the last night of the span (the check-out is the day after); a third
   * starts again. Called with the span once both are picked, and with null when the selection is
   * cleared or only half made. The calendar also pages by six weeks, and tells the host's own
   * blocks from booked nights.
   */
  onSelect?: (range: StayRange | null) => void;
}

export interface BlockedCalendar {
  el: HTMLElement;
  /**
   * Marks `blocked` nights (bookings and blocks alike, as availability gives them); `own`: the host's
   * blocks; `imported`: blocks imported from the listing's calendar feeds (other channels).
   */
  render(blocked: StayRange[], own?: StayRange[], imported?: StayRange[]): void;
  clearSelection(): void;
}

/**
 * Six weeks of nights, booked ones marked, plus the same ranges as a plain list (what a screen reader
 * and the tests read). A night is booked when checkIn <= night < checkOut.
 */
export function blockedCalendar(options: CalendarOptions = {}): BlockedCalendar {
  const selectable = Boolean(options.onSelect);
  const grid = h("ol", {
    class: "calendar",
    ...(selectable ? { "data-testid": "calendar-grid" } : { "aria-hidden": "true" }),
  });
  const list = h("ul", { class: "blocked-list", "data-testid": "blocked-dates" });
  const pager = h("div", { class: "calendar-pager" });
  const el = h("div", { class: "availability" }, selectable ? pager : null, grid, list);
  let page = 0;
  let state: { blocked: StayRange[]; own: StayRange[]; imported: StayRange[] } = {
    blocked: [],
    own: [],
    imported: [],
  };
  let selection: { first: string; last: string | null } | null = null;

  function select(night: string) {
    if (!selection || selection.last !== null || night < selection.first) selection = { first: night, last: null };
    else selection = { first: selection.first, last: night };
    // A span over a taken night cannot be blocked: start again from the night clicked.
    if (selection.last && nightsTaken(selection.first, selection.last)) selection = { first: night, last: null };
    options.onSelect?.(selection.last ? { checkIn: selection.first, checkOut: nextDay(selection.last) } : null);
    draw();
  }
  function nightsTaken(first: string, last: string): boolean {
    return state.blocked.some((r) => r.checkIn <= last && first < r.checkOut);
  }
  const selected = (night: string) =>
    selection !== null &&
    (selection.last === null ? night === selection.first : selection.first <= night && night <= selection.last);

  function day(date: string, i: number): HTMLElement {
    const today = isoDay(0);
    const ownBlock = within(state.own, date);
    const importedBlock = !ownBlock && within(state.imported, date);
    const booked = !ownBlock && !importedBlock && within(state.blocked, date);
    const past = date < today;
    const classes = [
      "day",
      booked ? "booked" : "",
      ownBlock ? "host-blocked" : "",
      importedBlock ? "feed-blocked" : "",
      past ? "past" : "",
      date === today ? "today" : "",
      selected(date) ? "selected" : "",
    ];
    const dayOfMonth = Number(date.slice(8));
    const label = dayOfMonth === 1 || i === 0 ? shortDay(date) : String(dayOfMonth);
    const attrs = { class: classes.join(" ").replace(/\s+/g, " ").trim(), "data-date": date, title: stayDay(date) };
    if (!selectable) return h("li", attrs, label);
    const free = !past && !booked && !ownBlock && !importedBlock;
    const why = past
      ? "past"
      : ownBlock
        ? "blocked by you"
        : importedBlock
          ? "blocked by another calendar"
          : booked
            ? "booked"
            : "free";
    return h(
      "li",
      attrs,
      h(
        "button",
        {
          type: "button",
          disabled: !free,
          "aria-pressed": selected(date) ? "true" : "false",
          "aria-label": `${stayDay(date)}, ${why}`,
          onclick: () => select(date),
        },
        label,
      ),
    );
  }

  function draw() {
    const start = calendarStart(page);
    const days: HTMLElement[] = WEEKDAYS.map((d) => h("li", { class: "weekday" }, d));
    for (let i = 0; i < WEEKS * 7; i++) days.push(day(isoDay(start + i), i));
    fill(grid, days);
    if (selectable) {
      fill(
        pager,
        h("button", { type: "button", disabled: page === 0, onclick: () => turn(-1) }, "← Earlier"),
        h("span", { class: "muted small" }, `${shortDay(isoDay(start))} – ${shortDay(isoDay(start + WEEKS * 7 - 1))}`),
        h("button", { type: "button", "data-testid": "calendar-later", onclick: () => turn(1) }, "Later →"),
      );
    }
    const sorted = [...state.blocked].sort((a, b) => a.checkIn.localeCompare(b.checkIn));
    fill(
      list,
      sorted.length
        ? sorted.map((r) => {
            const same = (o: StayRange) => o.checkIn === r.checkIn && o.checkOut === r.checkOut;
            const own = state.own.some(same);
            const imported = !own && state.imported.some(same);
            return h(
              "li",
              {
                "data-testid": "blocked-range",
                "data-check-in": r.checkIn,
                "data-own": own ? "true" : null,
                "data-imported": imported ? "true" : null,
              },
              stayRange(r.checkIn, r.checkOut),
              own ? " (blocked by you)" : imported ? " (from another calendar)" : null,
            );
          })
        : h(
            "li",
            { class: "muted" },
            selectable ? "No nights booked or blocked." : "No nights booked in the next six weeks.",
          ),
    );
  }
  function turn(by: number) {
    page = Math.max(0, page + by);
    draw();
  }

  function render(blocked: StayRange[], own: StayRange[] = [], imported: StayRange[] = []) {
    state = { blocked, own, imported };
    // Nights taken meanwhile (a guest booked them live) cannot stay selected.
    if (selection && nightsTaken(selection.first, selection.last ?? selection.first)) clearSelection();
    else draw();
  }
  function clearSelection() {
    selection = null;
    options.onSelect?.(null);
    draw();
  }
  draw();
  return { el, render, clearSelection };
}

/** "3 nights" for a span. */
export function nightsLabel(range: StayRange): string {
  const n = nightsBetween(range.checkIn, range.checkOut);
  return `${n} night${n === 1 ? "" : "s"}`;
}
