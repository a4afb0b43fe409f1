import { z } from "zod";
import { blockedRanges } from "../bookings/availability.js";
import type { StayRange } from "../bookings/view.js";
import { defineQuery, withIds } from "../commands/define.js";
import { availabilityQuerySchema } from "./schemas.js";
import { assertListingExists } from "./view.js";

/** The stays and calendar blocks that block a listing's dates (optionally within [from, to)); 404 for an unknown listing. */
export const getAvailability = defineQuery({
  name: "listings.availability",
  actor: "system",
  input: withIds({ listingId: z.guid() }, availabilityQuerySchema),
  async run({ input, em }): Promise<StayRange[]> {
    await assertListingExists(em, input.listingId);
    return blockedRanges(em, input.listingId, input);
  },
});
