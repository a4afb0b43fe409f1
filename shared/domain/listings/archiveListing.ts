import { Listing } from "../../db/entities/listing.js";
import { notFound } from "../../errors.js";
import type { Actor } from "../accounts/tokens.js";
import { inUnitOfWork as runCommand } from "../commands/unitOfWork.js";
import type { CommandDeps } from "../deps.js";
import { assertMayManageListing } from "./policy.js";
import { invalidateSearchCache } from "./searchCache.js";

/**
 * Archives a listing (its host or an admin): it leaves search and can no longer be booked, but stays
 * readable by id for the bookings and reviews that point at it. Archiving twice is a no-op.
 * Bookings already made are left as they are.
 */
export async function archiveListing(deps: CommandDeps, actor: Actor, listingId: string): Promise<void> {
  const changed = await runCommand(deps.orm, async ({ em }) => {
    const listing = await em.findOne(Listing, listingId);
    if (!listing) throw notFound("listing");
    assertMayManageListing(actor, { hostId: listing.host.id });
    if (listing.status === "archived") return false;
    listing.status = "archived";
    await em.flush();
    return true;
  });
  if (changed) await invalidateSearchCache(deps.redis);
}
