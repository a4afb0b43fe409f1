/**
 * The one map of real-time events: name → payload data. The publisher, the replay and the browser
 * client all use it, so a change here is checked everywhere at compile time.
 */
export type Currency = "ETB" | "USD";
export type Role = "guest" | "host" | "admin";
export type BookingStatus = "pending_payment" | "confirmed" | "completed" | "expired" | "cancelled";
export type PaymentStatus = "pending" | "succeeded" | "failed" | "refunded";

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: Role;
  createdAt: string;
}

export interface ListingView {
  id: string;
  hostId: string;
  title: string;
  description: string;
  city: string;
  country: string;
  pricePerNight: number;
  currency: Currency;
  maxGuests: number;
  status: "active" | "archived";
  ratingAverage: number | null;
  reviewCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface BookingView {
  id: string;
  listingId: string;
  listingTitle: string;
  guestId: string;
  guestName: string;
  hostId: string;
  checkIn: string;
  checkOut: string;
  nights: number;
  guests: number;
  totalPrice: number;
  currency: Currency;
  status: BookingStatus;
  expiresAt: string | null;
  note: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface PaymentView {
  id: string;
  bookingId: string;
  txRef: string;
  status: PaymentStatus;
  amount: number;
  currency: Currency;
  checkoutUrl: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface MessageView {
  id: string;
  bookingId: string;
  senderId: string;
  senderName: string;
  body: string;
  createdAt: string;
}

export interface StayRange {
  checkIn: string;
  checkOut: string;
}

export interface EventMap {
  "booking.created": BookingView;
  "booking.updated": BookingView;
  "payment.updated": PaymentView;
  "listing.availability": { listingId: string; blocked: StayRange[] };
  "message.created": MessageView;
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
];
