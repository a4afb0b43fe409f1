import { defineEntity, type InferEntity, p } from "@mikro-orm/core";
import { BOOKING_STATUSES, CANCELLED_BY } from "../../domain/bookings/status.js";
import { CURRENCIES } from "../../domain/currency.js";
import { Listing } from "./listing.js";
import { createdAt, updatedAt } from "./timestamps.js";
import { User } from "./user.js";

export const Booking = defineEntity({
  name: "Booking",
  tableName: "bookings",
  indexes: [
    // The invariant itself: no two active bookings of a listing overlap. The migration creates it
    // with raw SQL; declaring it here keeps the next migration diff from dropping it. Its predicate
    // lists ACTIVE_BOOKING_STATUSES (an index predicate cannot call the clock-dependent
    // booking_blocks_dates(); test/shapes.test.ts checks the two agree).
    {
      name: "bookings_no_overlap",
      expression:
        "alter table bookings add constraint bookings_no_overlap exclude using gist (listing_id with =, daterange(check_in, check_out, '[)') with &&) where (status in ('pending_approval', 'pending_payment', 'confirmed'))",
    },
    { name: "bookings_guest_idx", properties: ["guest", "createdAt"] },
    { name: "bookings_listing_idx", properties: ["listing", "checkIn"] },
    { name: "bookings_hold_expiry_idx", properties: ["status", "expiresAt"] },
    // A user's unpaid holds and requests, and their ended holds: hold limits and cooldown (migration holdRules).
    {
      name: "bookings_guest_unpaid_idx",
      expression:
        "create index bookings_guest_unpaid_idx on bookings (guest_id, listing_id) where status in ('pending_approval', 'pending_payment') or hold_ended_at is not null",
    },
  ],
  checks: [
    { name: "bookings_dates_check", expression: "check_out > check_in" },
    { name: "bookings_guests_check", expression: "guests >= 1" },
    { name: "bookings_refund_amount_check", expression: "refund_amount >= 0" },
  ],
  properties: {
    id: p.uuid().primary().defaultRaw("gen_random_uuid()"),
    listing: p.manyToOne(Listing).fieldName("listing_id"),
    guest: p.manyToOne(User).fieldName("guest_id"),
    checkIn: p.date(),
    checkOut: p.date(),
    guests: p.integer(),
    totalPrice: p.integer(),
    // The lines it was priced with (shared/domain/pricing/priceStay.ts), whose sum is totalPrice.
    priceLines: p.json<unknown[]>().defaultRaw("'[]'"),
    currency: p.enum([...CURRENCIES]),
    status: p.enum([...BOOKING_STATUSES]),
    // A hold's payment deadline (pending_payment) or a request's approval deadline (pending_approval).
    expiresAt: p.datetime().nullable(),
    // Why the booking ended up as it is when that is not obvious (e.g. paid after the hold expired).
    note: p.text().nullable(),
    // Who cancelled it (migration cancellationRefunds) and what that cancellation refunds, in minor units.
    cancelledBy: p.enum([...CANCELLED_BY]).nullable(),
    refundAmount: p.integer().nullable(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    // The calendar export's SEQUENCE and LAST-MODIFIED (migration calendarSync: a trigger bumps them when the nights change).
    icalSequence: p.integer().default(0),
    icalModifiedAt: p.datetime().nullable(),
    // When the booking entered its current status: a trigger (migration abuseLimits) sets it on every
    // status change, so no writer can forget it. Messages use it to tell when a booking ended.
    statusChangedAt: p.datetime().defaultRaw("now()"),
    // When an unpaid hold ended without payment (lapsed or cancelled): the start of the guest's
    // cooldown on this listing. Set by a trigger (migration holdRules).
    holdEndedAt: p.datetime().nullable(),
  },
});
export type IBooking = InferEntity<typeof Booking>;
