import type { StayRange } from "../../../shared/domain/bookings/view.js";
import { fill, h } from "../dom.js";
import { isoDay, stayDay, stayRange } from "../format.js";

const WEEKS = 6;
const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** The first day the calendar shows: Monday of this week. */
function calendarStart(): number {
  const todayIndex = (new Date(`${isoDay(0)}T00:00:00Z`).getUTCDay() + 6) % 7;
  return -todayIndex;
}

/** The window of dates the calendar covers, for the availability query. */
export function calendarWindow(): { from: string; to: string } {
  const start = calendarStart();
  return { from: isoDay(0), to: isoDay(start + WEEKS * 7) };
}

/**
 * Six weeks of nights, booked ones marked, plus the same ranges as a plain list (what a screen reader
 * and the tests read). A night is booked when checkIn <= night < checkOut.
 */
export function blockedCalendar(): { el: HTMLElement; render(blocked: StayRange[]): void } {
  const grid = h("ol", { class: "calendar", "aria-hidden": "true" });
  const list = h("ul", { class: "blocked-list", "data-testid": "blocked-dates" });
  const el = h("div", { class: "availability" }, grid, list);

  function render(blocked: StayRange[]) {
    const start = calendarStart();
    const today = isoDay(0);
    const days: HTMLElement[] = WEEKDAYS.map((d) => h("li", { class: "weekday" }, d));
    for (let i = 0; i < WEEKS * 7; i++) {
      const date = isoDay(start + i);
      const booked = blocked.some((r) => r.checkIn <= date && date < r.checkOut);
      const classes = ["day", booked ? "booked" : "", date < today ? "past" : "", date === today ? "today" : ""];
      const dayOfMonth = Number(date.slice(8));
      const label = dayOfMonth === 1 || i === 0 ? stayDay(date).replace(/^\w+, /, "") : String(dayOfMonth);
      days.push(h("li", { class: classes.join(" ").trim(), "data-date": date, title: stayDay(date) }, label));
    }
    fill(grid, days);
    const sorted = [...blocked].sort((a, b) => a.checkIn.localeCompare(b.checkIn));
    fill(
      list,
      sorted.length
        ? sorted.map((r) =>
            h("li", { "data-testid": "blocked-range", "data-check-in": r.checkIn }, stayRange(r.checkIn, r.checkOut)),
          )
        : h("li", { class: "muted" }, "No nights booked in the next six weeks."),
    );
  }
  render([]);
  return { el, render };
}
