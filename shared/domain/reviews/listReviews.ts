import { z } from "zod";
import { keysetPage, type Page } from "../../pagination.js";
import { defineQuery } from "../commands/define.js";
import { pageQueryFields } from "../listings/schemas.js";
import { assertListingExists } from "../listings/view.js";
import { queryReviews, type ReviewView } from "./view.js";

/** A listing's reviews, newest first, one page at a time; 404 for an unknown listing. Anyone may read them. */
export const listReviews = defineQuery({
  name: "reviews.list",
  actor: "system",
  input: z.object({ ...pageQueryFields, listingId: z.guid() }),
  async run({ input, em }): Promise<Page<ReviewView>> {
    await assertListingExists(em, input.listingId);
    return keysetPage(
      em,
      {
        table: "reviews",
        alias: "r",
        order: "newest",
        where: ["r.listing_id = ?"],
        params: [input.listingId],
        page: input,
      },
      (where, params, orderAndLimit) => queryReviews(em, where, params, orderAndLimit),
    );
  },
});
