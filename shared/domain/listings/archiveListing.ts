import { z } from "zod";
import { Listing } from "../../db/entities/listing.js";
import { notFound } from "../../errors.js";
import { defineCommand } from "../commands/define.js";
import { assertMayManageListing } from "./policy.js";
import { listingChanged } from "./searchChanges.js";

/**
 * Archives a listing (its host or an admin): it leaves search and can no longer be booked, but stays
 * readable by id for the bookings and reviews that point at it. Archiving twice is a no-op (and keeps
 * the cached searches). Bookings already made are left as they are. Returns whether it changed.
 */
export const archiveListing = defineCommand({
  name: "listings.archive",
  input: z.object({ listingId: z.guid() }),
  async run({ actor, input: { listingId }, tx }) {
    const { em } = tx;
    const listing = await em.findOne(Listing, listingId);
    if (!listing) throw notFound("listing");
    assertMayManageListing(actor, { hostId: listing.host.id });
    if (listing.status === "archived") return false;
    listing.status = "archived";
    await em.flush();
    tx.searchChanged(listingChanged(listing));
    return true;
  },
});
