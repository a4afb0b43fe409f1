import type { BookingView } from "../domain/bookings/view.js";
import type { ConflictView } from "../domain/calendars/view.js";
import type { Currency } from "../domain/currency.js";
import type { PaymentStatus } from "../domain/payments/status.js";
import type { EmailTemplate } from "../sideEffects/sideEffectMap.js";
import { formatInstant, formatMoney, formatStay } from "./format.js";
import type { Block, EmailContent } from "./render.js";

/** Everything a template may say, loaded fresh when the email is sent (see compose.ts). */
export interface EmailContext {
  recipient: { name: string; email: string };
  booking: BookingView;
  hostName: string;
  place: { city: string; country: string };
  /** The booking's latest payment (a paid one first), when there is one. */
  payment: { amount: number; currency: Currency; status: PaymentStatus; refundStatus: string | null } | null;
  links: { booking: string; pay: string; review: string; listing: string };
  /** The calendar conflict the email is about (calendar_conflict_host), when it has one. */
  conflict?: ConflictView | null;
}

/** A template either has something to say, or explains why this email no longer makes sense. */
export type TemplateResult = EmailContent | { skip: string };

const greeting = (c: EmailContext): Block => ({ paragraph: `Hi ${c.recipient.name},` });
const stay = (b: BookingView) => formatStay(b.checkIn, b.checkOut, b.nights);

function details(c: EmailContext, extra: [string, string][] = []): Block {
  const b = c.booking;
  return {
    details: [
      ["Place", b.listingTitle],
      ["Where", `${c.place.city}, ${c.place.country}`],
      ["Dates", stay(b)],
      ["Guests", String(b.guests)],
      ["Total", formatMoney(b.totalPrice, b.currency)],
      ...extra,
    ],
  };
}

const viewBooking = (c: EmailContext): Block => ({ action: { label: "View the booking", url: c.links.booking } });
const noteBlock = (b: BookingView): Block[] => (b.note ? [{ paragraph: `Note: ${b.note}` }] : []);
/** A refund was requested or made for this booking's payment (a cancellation refunding 0 is none). */
const refunded = (c: EmailContext) =>
  c.booking.refundAmount !== 0 && (c.payment?.status === "refunded" || c.payment?.refundStatus != null);
const paidAmount = (c: EmailContext) =>
  c.payment ? formatMoney(c.payment.amount, c.payment.currency) : formatMoney(c.booking.totalPrice, c.booking.currency);
/** What goes back: the cancellation's refund (the policy's share) when it set one, else all that was paid. */
const refundAmount = (c: EmailContext) =>
  c.booking.refundAmount !== null ? formatMoney(c.booking.refundAmount, c.booking.currency) : paidAmount(c);

export const templates: Record<EmailTemplate, (c: EmailContext) => TemplateResult> = {
  booking_alert_host: (c) => {
    const b = c.booking;
    const state =
      b.status === "pending_payment" && b.expiresAt
        ? `The dates are held for ${b.guestName} until ${formatInstant(b.expiresAt)} while they pay; we will email you as soon as the booking is confirmed.`
        : b.status === "confirmed"
          ? "It is already paid and confirmed."
          : `It is now ${b.status.replace("_", " ")}.`;
    return {
      subject: `New booking: ${b.guestName} at ${b.listingTitle}`,
      heading: "You have a new booking",
      blocks: [
        greeting(c),
        { paragraph: `${b.guestName} booked ${b.listingTitle} for ${stay(b)}. ${state}` },
        details(c),
        viewBooking(c),
      ],
    };
  },

  booking_held_guest: (c) => {
    const b = c.booking;
    // Sent a little after the booking was made: if it was paid, cancelled or expired meanwhile,
    // a "pay now" email would be wrong, and the email for the new state is on its way.
    if (b.status !== "pending_payment" || !b.expiresAt) return { skip: `booking is ${b.status}, no longer held` };
    const expiry = formatInstant(b.expiresAt);
    return {
      subject: `Pay by ${expiry} to confirm ${b.listingTitle}`,
      heading: "Your dates are held for you",
      blocks: [
        greeting(c),
        {
          paragraph: `We are holding ${b.listingTitle} for ${stay(b)} until ${expiry}. Pay ${formatMoney(b.totalPrice, b.currency)} before then to confirm the booking; after that the dates are released to other guests.`,
        },
        details(c, [["Held until", expiry]]),
        { action: { label: "Pay now", url: c.links.pay } },
      ],
    };
  },

  booking_confirmed_guest: (c) => {
    const b = c.booking;
    return {
      subject: `Booking confirmed: ${b.listingTitle}`,
      heading: `You are going to ${c.place.city}!`,
      blocks: [
        greeting(c),
        {
          paragraph: `Your payment went through and your booking of ${b.listingTitle} is confirmed. ${c.hostName} is expecting you.`,
        },
        details(c, [
          ["Paid", paidAmount(c)],
          ["Host", c.hostName],
        ]),
        viewBooking(c),
      ],
    };
  },

  booking_confirmed_host: (c) => {
    const b = c.booking;
    return {
      subject: `Confirmed: ${b.guestName} at ${b.listingTitle}, ${stay(b)}`,
      heading: "A booking is confirmed",
      blocks: [
        greeting(c),
        { paragraph: `${b.guestName} paid ${paidAmount(c)} and their stay at ${b.listingTitle} is confirmed.` },
        details(c, [["Guest", b.guestName]]),
        viewBooking(c),
      ],
    };
  },

  payment_failed_guest: (c) => {
    const b = c.booking;
    const stillHeld = b.status === "pending_payment" && b.expiresAt;
    return {
      subject: `Payment failed for ${b.listingTitle}`,
      heading: "Your payment did not go through",
      blocks: [
        greeting(c),
        {
          paragraph: `Your payment of ${paidAmount(c)} for ${b.listingTitle} (${stay(b)}) did not go through, and nothing was charged.`,
        },
        stillHeld
          ? { paragraph: `The dates are still held for you until ${formatInstant(b.expiresAt!)}: you can try again.` }
          : { paragraph: "The hold on these dates has ended; you can book again if they are still free." },
        stillHeld
          ? { action: { label: "Try again", url: c.links.pay } }
          : { action: { label: "See the place", url: c.links.listing } },
      ],
    };
  },

  hold_expired_guest: (c) => {
    const b = c.booking;
    return {
      subject: `Your hold on ${b.listingTitle} has expired`,
      heading: "Your hold has expired",
      blocks: [
        greeting(c),
        {
          paragraph: `Your booking of ${b.listingTitle} for ${stay(b)} was not paid in time, so the dates have been released. Nothing was charged.`,
        },
        { action: { label: "Book again", url: c.links.listing } },
      ],
    };
  },

  booking_cancelled_guest: (c) => {
    const b = c.booking;
    const keptByPolicy = b.refundAmount === 0 && c.payment?.status === "succeeded";
    const refund: Block[] = refunded(c)
      ? [{ paragraph: `A refund of ${refundAmount(c)} is on its way; we will email you when it has been issued.` }]
      : keptByPolicy
        ? [{ paragraph: "Under the listing's cancellation policy, nothing is refunded this close to check-in." }]
        : [];
    return {
      subject: `Booking cancelled: ${b.listingTitle}`,
      heading: "Your booking is cancelled",
      blocks: [
        greeting(c),
        { paragraph: `Your booking of ${b.listingTitle} for ${stay(b)} has been cancelled.` },
        ...noteBlock(b),
        ...refund,
        viewBooking(c),
      ],
    };
  },

  booking_cancelled_host: (c) => {
    const b = c.booking;
    return {
      subject: `Booking cancelled: ${b.guestName} at ${b.listingTitle}`,
      heading: "A booking is cancelled",
      blocks: [
        greeting(c),
        {
          paragraph: `${b.guestName}'s booking of ${b.listingTitle} for ${stay(b)} has been cancelled; those dates are free again.`,
        },
        ...noteBlock(b),
        ...(refunded(c) ? [{ paragraph: `The guest is refunded ${refundAmount(c)}.` }] : []),
        viewBooking(c),
      ],
    };
  },

  refund_issued_guest: (c) => {
    const b = c.booking;
    return {
      subject: `Refund issued: ${refundAmount(c)} for ${b.listingTitle}`,
      heading: "Your refund has been issued",
      blocks: [
        greeting(c),
        {
          paragraph: `We have refunded ${refundAmount(c)} for your ${b.status === "cancelled" ? "cancelled " : ""}booking of ${b.listingTitle} (${stay(b)}). Depending on your bank, it can take a few days to show.`,
        },
        viewBooking(c),
      ],
    };
  },

  review_request_guest: (c) => {
    const b = c.booking;
    return {
      subject: `How was your stay at ${b.listingTitle}?`,
      heading: "How was your stay?",
      blocks: [
        greeting(c),
        {
          paragraph: `We hope you enjoyed ${b.listingTitle} in ${c.place.city} (${stay(b)}). A short review helps ${c.hostName} and the next guests.`,
        },
        { action: { label: "Write a review", url: c.links.review } },
      ],
    };
  },

  booking_request_host: (c) => {
    const b = c.booking;
    if (b.status !== "pending_approval" || !b.expiresAt) return { skip: `request is ${b.status}, already answered` };
    const deadline = formatInstant(b.expiresAt);
    return {
      subject: `Request to book: ${b.guestName} at ${b.listingTitle}`,
      heading: "A guest asks to stay with you",
      blocks: [
        greeting(c),
        {
          paragraph: `${b.guestName} would like to stay at ${b.listingTitle} for ${stay(b)}. The dates are held for them until you answer; if you have not accepted or declined by ${deadline}, the request is declined on its own.`,
        },
        details(c, [["Answer by", deadline]]),
        { action: { label: "Accept or decline", url: c.links.booking } },
      ],
    };
  },

  booking_request_sent_guest: (c) => {
    const b = c.booking;
    if (b.status !== "pending_approval" || !b.expiresAt) return { skip: `request is ${b.status}, already answered` };
    return {
      subject: `Request sent: ${b.listingTitle}`,
      heading: "Your request is with the host",
      blocks: [
        greeting(c),
        {
          paragraph: `We have asked ${c.hostName} whether you can stay at ${b.listingTitle} for ${stay(b)}. The dates are held for you meanwhile; the host has until ${formatInstant(b.expiresAt)} to answer. Nothing is charged until the host accepts and you pay.`,
        },
        details(c),
        viewBooking(c),
      ],
    };
  },

  booking_accepted_guest: (c) => {
    const b = c.booking;
    if (b.status !== "pending_payment" || !b.expiresAt)
      return { skip: `booking is ${b.status}, no longer awaiting payment` };
    const expiry = formatInstant(b.expiresAt);
    return {
      subject: `${c.hostName} accepted: pay by ${expiry} to confirm ${b.listingTitle}`,
      heading: "Your request was accepted",
      blocks: [
        greeting(c),
        {
          paragraph: `${c.hostName} accepted your request to stay at ${b.listingTitle} for ${stay(b)}. Pay ${formatMoney(b.totalPrice, b.currency)} by ${expiry} to confirm it; after that the dates are released to other guests.`,
        },
        details(c, [["Pay by", expiry]]),
        { action: { label: "Pay now", url: c.links.pay } },
      ],
    };
  },

  booking_declined_guest: (c) => {
    const b = c.booking;
    return {
      subject: `Request declined: ${b.listingTitle}`,
      heading: "Your request was not accepted",
      blocks: [
        greeting(c),
        {
          paragraph: `Your request to stay at ${b.listingTitle} for ${stay(b)} was declined, and the dates have been released. Nothing was charged.`,
        },
        ...noteBlock(b),
        { action: { label: "See the place", url: c.links.listing } },
      ],
    };
  },

  payment_refunded_host: (c) => {
    const b = c.booking;
    return {
      subject: `Payment refunded: ${b.guestName} at ${b.listingTitle}`,
      heading: "A guest's payment was refunded",
      blocks: [
        greeting(c),
        {
          paragraph: `Chapa refunded ${b.guestName}'s payment of ${paidAmount(c)} for ${b.listingTitle} (${stay(b)}) after the stay began. The booking is left as it is; our team will review it and be in touch.`,
        },
        details(c, [["Guest", b.guestName]]),
        viewBooking(c),
      ],
    };
  },

  calendar_conflict_host: (c) => {
    const b = c.booking;
    const k = c.conflict;
    if (!k) return { skip: "the conflict is gone (its feed was removed)" };
    const nights = formatStay(
      k.checkIn,
      k.checkOut,
      Math.round((Date.parse(k.checkOut) - Date.parse(k.checkIn)) / 86_400_000),
    );
    return {
      subject: `Calendar conflict at ${b.listingTitle}: ${k.feedName} blocks booked nights`,
      heading: "Two calendars claim the same nights",
      blocks: [
        greeting(c),
        {
          paragraph: `Your calendar "${k.feedName}" blocks ${nights} at ${b.listingTitle}, but ${b.guestName} has a reservation here for those nights. The reservation stands and keeps its nights; the other nights of that event are blocked. To avoid a double booking, free those nights on ${k.feedName} or contact your guest.`,
        },
        details(c, [
          ["Guest", b.guestName],
          ["Calendar", k.feedName],
        ]),
        viewBooking(c),
      ],
    };
  },
};
