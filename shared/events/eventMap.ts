import type { BookingView, StayRange } from "../domain/bookings/view.js";
import type { ConflictView } from "../domain/calendars/view.js";
import type { MessageView } from "../domain/messages/view.js";
import type { OpsGauges } from "../domain/ops/view.js";
import type { PaymentView } from "../domain/payments/view.js";
import type { SecurityAlertView } from "../domain/security/view.js";

/**
 * The one map of real-time events: name → payload data. The publisher, the replay and the browser
 * client all use it, so a change here is checked everywhere at compile time. The payloads are the
 * domain's views, defined (and imported here type-only, so the browser bundle gets no code from
 * them) in shared/domain/<area>/.
 */
export interface EventMap {
  "booking.created": BookingView;
  "booking.updated": BookingView;
  "payment.updated": PaymentView;
  "listing.availability": { listingId: string; blocked: StayRange[] };
  "message.created": MessageView;
  /** An imported calendar event met a reservation (the reservation stands): to the listing's host, at once. */
  "calendar.conflict": ConflictView;
  /** A login from somewhere new (to the account's owner), or a brute-force pattern (to every admin). */
  "security.alert": SecurityAlertView;
  /**
   * Operations feed only (no user audience: never in notifications or replays). A failed login, with
   * its country; and the worker's sample of sockets, queue depth and failed jobs. The relay's
   * publisher folds them into the admins' throttled `ops.update` (shared/events/opsFeed.ts).
   */
  "login.failed": { country: string | null; at: string };
  "ops.sample": OpsGauges;
}

export type EventType = keyof EventMap;

/** What a socket receives: the event row's id (increasing per user), type, commit time and data. */
export interface EventEnvelope<T extends EventType = EventType> {
  id: number;
  type: T;
  at: string;
  data: EventMap[T];
}

export const EVENT_TYPES: readonly EventType[] = [
  "booking.created",
  "booking.updated",
  "payment.updated",
  "listing.availability",
  "message.created",
  "calendar.conflict",
  "security.alert",
  "login.failed",
  "ops.sample",
];
