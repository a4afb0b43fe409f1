import { Listing } from "../../db/entities/listing.js";
import { User } from "../../db/entities/user.js";
import { defineCommand } from "../commands/define.js";
import type { ListingView } from "../listings/view.js";
import { assertMayCreateListing } from "./policy.js";
import { listingInputSchema } from "./schemas.js";
import { listingChanged } from "./searchChanges.js";
import { loadListingView } from "./view.js";

/** A host (or an admin) lists a place; it is active, hence searchable, at once. */
export const createListing = defineCommand({
  name: "listings.create",
  input: listingInputSchema,
  authorize: assertMayCreateListing,
  searchChanges: (listing: ListingView) => [listingChanged(listing)],
  async run({ actor, input, tx: { em } }): Promise<ListingView> {
    const listing = em.create(Listing, { ...input, host: em.getReference(User, actor.id) });
    await em.flush();
    return (await loadListingView(em, listing.id))!;
  },
});
