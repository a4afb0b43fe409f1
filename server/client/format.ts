import type { BookingStatus } from "../../shared/domain/bookings/status.js";
import type { Currency } from "../../shared/domain/currency.js";

/** Money arrives in minor units (12550 = 125.50). */
export function money(amount: number, currency: Currency): string {
  return new Intl.NumberFormat(undefined, { style: "currency", currency }).format(amount / 100);
}

/** A stay date (YYYY-MM-DD) as "Mon, Jun 3". Read as UTC so the day never shifts with the time zone. */
export function stayDay(date: string): string {
  return new Date(`${date}T00:00:00Z`).toLocaleDateString(undefined, {
    timeZone: "UTC",
    weekday: "short",
    month: "short",
    day: "numeric",
  });
}

export function stayRange(checkIn: string, checkOut: string): string {
  return `${stayDay(checkIn)} → ${stayDay(checkOut)}`;
}

export function instant(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** Today + n days (UTC) as YYYY-MM-DD, the format of the API's stay dates. */
export function isoDay(daysFromToday = 0): string {
  const d = new Date();
  d.setUTCHours(0, 0, 0, 0);
  d.setUTCDate(d.getUTCDate() + daysFromToday);
  return d.toISOString().slice(0, 10);
}

export function nightsBetween(checkIn: string, checkOut: string): number {
  return Math.round((Date.parse(`${checkOut}T00:00:00Z`) - Date.parse(`${checkIn}T00:00:00Z`)) / 86_400_000);
}

/** "14:05" left until `iso`, or null once it has passed. */
export function countdown(iso: string, now = Date.now()): string | null {
  const ms = Date.parse(iso) - now;
  if (!(ms > 0)) return null;
  const total = Math.ceil(ms / 1000);
  const m = Math.floor(total / 60);
  const s = total % 60;
  return `${m}:${String(s).padStart(2, "0")}`;
}

export const STATUS_LABELS: Record<BookingStatus, string> = {
  pending_approval: "Awaiting host",
  pending_payment: "Held",
  confirmed: "Confirmed",
  completed: "Completed",
  expired: "Expired",
  cancelled: "Cancelled",
  declined: "Declined",
};
