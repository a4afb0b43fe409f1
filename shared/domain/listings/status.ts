import { z } from "zod";

/** A listing is bookable (active) or withdrawn for good (archived): the one list. */
export const LISTING_STATUSES = ["active", "archived"] as const;
export const listingStatusSchema = z.enum(LISTING_STATUSES);
export type ListingStatus = z.infer<typeof listingStatusSchema>;

/**
 * How much of a stay's price a guest gets back when they cancel (cancellationPolicy.ts has the
 * rule of each); `moderate` unless the host chooses another.
 */
export const CANCELLATION_POLICIES = ["flexible", "moderate", "strict"] as const;
export const cancellationPolicySchema = z.enum(CANCELLATION_POLICIES);
export type CancellationPolicy = z.infer<typeof cancellationPolicySchema>;

/** `instant`: a booking holds the dates for payment at once; `request`: the host accepts or declines first. */
export const BOOKING_MODES = ["instant", "request"] as const;
export const bookingModeSchema = z.enum(BOOKING_MODES);
export type BookingMode = z.infer<typeof bookingModeSchema>;
