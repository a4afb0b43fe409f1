import type { Currency } from "../domain/currency.js";

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for HTML bodies and attributes: names and titles are user input. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

const amount = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** 1250050 ETB → "ETB 12,500.50". Both currencies have two minor digits; the code, not a symbol, is unambiguous. */
export function formatMoney(minorUnits: number, currency: Currency): string {
  return `${currency} ${amount.format(minorUnits / 100)}`;
}

const stayDate = new Intl.DateTimeFormat("en-GB", {
  weekday: "short",
  day: "numeric",
  month: "short",
  year: "numeric",
  timeZone: "UTC",
});

/** "2030-01-12" → "Sat, 12 Jan 2030". Stay dates are calendar days, so they are read and shown in UTC. */
function formatStayDate(isoDate: string): string {
  return stayDate.format(new Date(`${isoDate}T00:00:00Z`));
}

/** "Sat, 12 Jan 2030 → Tue, 15 Jan 2030 (3 nights)". */
export function formatStay(checkIn: string, checkOut: string, nights: number): string {
  return `${formatStayDate(checkIn)} → ${formatStayDate(checkOut)} (${nights} ${nights === 1 ? "night" : "nights"})`;
}

/** An instant as "14:05 UTC, Sat, 12 Jan 2030": one unambiguous zone for every reader. */
export function formatInstant(iso: string): string {
  const d = new Date(iso);
  const time = `${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")} UTC`;
  return `${time}, ${stayDate.format(d)}`;
}
