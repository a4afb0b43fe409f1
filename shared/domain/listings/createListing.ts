import { Listing } from "../../db/entities/listing.js";
import { User } from "../../db/entities/user.js";
import type { ListingView } from "../../events/eventMap.js";
import type { Actor } from "../accounts/tokens.js";
import { inUnitOfWork as runCommand } from "../commands/unitOfWork.js";
import type { CommandDeps } from "../deps.js";
import { assertMayCreateListing } from "./policy.js";
import type { ListingInput } from "./schemas.js";
import { invalidateSearchCache } from "./searchCache.js";
import { loadListingView } from "./view.js";

/** A host (or an admin) lists a place; it is active, hence searchable, at once. */
export async function createListing(deps: CommandDeps, actor: Actor, input: ListingInput): Promise<ListingView> {
  assertMayCreateListing(actor);
  const view = await runCommand(deps.orm, async ({ em }) => {
    const listing = em.create(Listing, { ...input, host: em.getReference(User, actor.id) });
    await em.flush();
    return (await loadListingView(em, listing.id))!;
  });
  await invalidateSearchCache(deps.redis);
  return view;
}
