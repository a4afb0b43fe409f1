import { Listing } from "../../db/entities/listing.js";
import { notFound } from "../../errors.js";
import type { ListingView } from "../../events/eventMap.js";
import type { Actor } from "../accounts/tokens.js";
import { inUnitOfWork as runCommand } from "../commands/unitOfWork.js";
import type { CommandDeps } from "../deps.js";
import { assertMayManageListing } from "./policy.js";
import type { ListingPatch } from "./schemas.js";
import { invalidateSearchCache } from "./searchCache.js";
import { loadListingView } from "./view.js";

/**
 * Changes some fields of a listing (its host or an admin). Only the changed columns are written,
 * so a review landing at the same moment keeps its rating_sum/review_count increment.
 */
export async function updateListing(
  deps: CommandDeps,
  actor: Actor,
  listingId: string,
  patch: ListingPatch,
): Promise<ListingView> {
  const view = await runCommand(deps.orm, async ({ em }) => {
    const listing = await em.findOne(Listing, listingId);
    if (!listing) throw notFound("listing");
    assertMayManageListing(actor, { hostId: listing.host.id });
    em.assign(listing, patch);
    await em.flush();
    return (await loadListingView(em, listingId))!;
  });
  await invalidateSearchCache(deps.redis);
  return view;
}
