import { z } from "zod";

/** A listing is bookable (active) or withdrawn for good (archived): the one list. */
export const LISTING_STATUSES = ["active", "archived"] as const;
export const listingStatusSchema = z.enum(LISTING_STATUSES);
export type ListingStatus = z.infer<typeof listingStatusSchema>;
