import { z } from "zod";
import { notFound } from "../../errors.js";
import { defineQuery } from "../commands/define.js";
import type { ListingView } from "../listings/view.js";
import { loadListingView } from "./view.js";

/** One listing, archived ones too (with status archived); 404 for an unknown one. Public. */
export const getListing = defineQuery({
  name: "listings.get",
  actor: "system",
  input: z.object({ listingId: z.guid() }),
  async run({ input, em }): Promise<ListingView> {
    const listing = await loadListingView(em, input.listingId);
    if (!listing) throw notFound("listing");
    return listing;
  },
});
