import { z } from "zod";
import { Listing } from "../../db/entities/listing.js";
import { notFound, validationFailed } from "../../errors.js";
import { onConstraint } from "../commands/databaseErrors.js";
import { defineCommand, withIds } from "../commands/define.js";
import type { ListingView } from "../listings/view.js";
import { assertMayManageListing } from "./policy.js";
import { listingPatchSchema } from "./schemas.js";
import { listingChanged } from "./searchChanges.js";
import { loadListingView } from "./view.js";

/**
 * Changes some fields of a listing (its host or an admin). Only the changed columns are written,
 * so a review landing at the same moment keeps its rating_sum/review_count increment.
 */
export const updateListing = defineCommand({
  name: "listings.update",
  input: withIds({ listingId: z.guid() }, listingPatchSchema),
  errors: {
    // minNights or maxNights sent alone, against the stored other one.
    check: onConstraint(
      "listings_nights_check",
      validationFailed([{ path: "maxNights", message: "must not be below minNights" }]),
    ),
  },
  async run({ actor, input: { listingId, ...patch }, tx }): Promise<ListingView> {
    const { em } = tx;
    const listing = await em.findOne(Listing, listingId);
    if (!listing) throw notFound("listing");
    assertMayManageListing(actor, { hostId: listing.host.id });
    const before = listingChanged(listing);
    em.assign(listing, patch);
    await em.flush();
    const view = (await loadListingView(em, listingId))!;
    // Searches of its old place (it may have moved) and of its new one.
    tx.searchChanged(before, listingChanged(view));
    return view;
  },
});
