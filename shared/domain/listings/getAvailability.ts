import type { EntityManager } from "@mikro-orm/postgresql";
import type { StayRange } from "../bookings/availability.js";
import { blockedRanges } from "../bookings/availability.js";
import { assertListingExists } from "./view.js";

/** The stays that block a listing's dates (optionally within [from, to)); 404 for an unknown listing. */
export async function getAvailability(
  em: EntityManager,
  listingId: string,
  window: { from?: string; to?: string },
): Promise<StayRange[]> {
  await assertListingExists(em, listingId);
  return blockedRanges(em, listingId, window);
}
