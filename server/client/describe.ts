import type { BookingView } from "../../shared/domain/bookings/view.js";
import type { EventEnvelope } from "../../shared/events/eventMap.js";
import { money, stayRange } from "./format.js";

/** One human sentence per event, for alerts and the notifications list. */
export function describeEvent(event: EventEnvelope, meId: string): string {
  switch (event.type) {
    case "booking.created": {
      const b = event.data as BookingView;
      if (b.status === "pending_approval") {
        return `Request to book: ${b.guestName} asks for ${b.listingTitle}, ${stayRange(b.checkIn, b.checkOut)}, ${money(b.totalPrice, b.currency)}.`;
      }
      return `New booking: ${b.guestName} booked ${b.listingTitle}, ${stayRange(b.checkIn, b.checkOut)}, ${money(b.totalPrice, b.currency)}.`;
    }
    case "booking.updated":
      return describeBookingUpdate(event.data as BookingView, meId);
    case "payment.updated": {
      const p = (event as EventEnvelope<"payment.updated">).data;
      const amount = money(p.amount, p.currency);
      if (p.status === "succeeded") return `Payment of ${amount} received.`;
      if (p.status === "failed") return `A payment of ${amount} failed.`;
      if (p.status === "refunded") return `Payment of ${amount} refunded.`;
      return `Payment of ${amount} started.`;
    }
    case "message.created": {
      const m = (event as EventEnvelope<"message.created">).data;
      return `${m.senderName}: ${m.body}`;
    }
    case "calendar.conflict": {
      const c = (event as EventEnvelope<"calendar.conflict">).data;
      return `Calendar conflict: ${c.feedName} blocks ${stayRange(c.checkIn, c.checkOut)} at ${c.listingTitle}, already booked here. The booking stands; free those nights on ${c.feedName}.`;
    }
    case "security.alert": {
      const a = (event as EventEnvelope<"security.alert">).data;
      if (a.kind === "new_login") {
        const where = [a.place.city, a.place.region, a.place.country].filter(Boolean).join(", ") || "an unknown place";
        return `New sign-in to your account from ${where} with ${a.device.description}. Not you? Sign out everywhere.`;
      }
      if (a.kind === "brute_force_account")
        return `Security: ${a.failures} failed logins against ${a.email} from ${a.distinctIps} IPs in ${a.windowMinutes} min.`;
      return `Security: ${a.failures} failed logins from ${a.ip} against ${a.distinctAccounts} accounts in ${a.windowMinutes} min.`;
    }
    case "listing.availability":
      return "A listing's availability changed.";
    default:
      return "Something changed.";
  }
}

function describeBookingUpdate(b: BookingView, meId: string): string {
  const mine = b.guestId === meId;
  const whose = mine ? `Your stay at ${b.listingTitle}` : `${b.guestName}'s booking of ${b.listingTitle}`;
  switch (b.status) {
    case "confirmed":
      return `${whose} is confirmed.`;
    case "cancelled":
      return `${whose} was cancelled.`;
    case "expired":
      return mine ? `The hold on ${b.listingTitle} expired before payment.` : `${whose} expired unpaid.`;
    case "completed":
      return `${whose} is completed.`;
    case "declined":
      return mine ? `Your request for ${b.listingTitle} was declined.` : `${whose} was declined.`;
    case "pending_approval":
      return `${whose} awaits the host's answer.`;
    default:
      return `${whose} is held until payment.`;
  }
}
