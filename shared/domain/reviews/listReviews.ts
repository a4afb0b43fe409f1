import type { EntityManager } from "@mikro-orm/postgresql";
import { afterCursor, type CursorKey, toKeysetPage } from "../../pagination.js";
import { assertListingExists } from "../listings/view.js";
import { queryReviews, type ReviewView } from "./view.js";

/** A listing's reviews, newest first, one page at a time; 404 for an unknown listing. */
export async function listReviews(
  em: EntityManager,
  listingId: string,
  page: { limit: number /** the key from pageCursor */; cursor?: CursorKey },
): Promise<{ reviews: ReviewView[]; nextCursor: string | null }> {
  await assertListingExists(em, listingId);
  const where = ["r.listing_id = ?"];
  const params: unknown[] = [listingId];
  if (page.cursor) {
    const after = afterCursor("r", "newest", page.cursor);
    where.push(after.sql);
    params.push(...after.params);
  }
  const rows = await queryReviews(
    em,
    where.join(" and "),
    [...params, page.limit + 1],
    "order by r.created_at desc, r.id desc limit ?",
  );
  const { data, nextCursor } = await toKeysetPage(em, "reviews", rows, page.limit);
  return { reviews: data, nextCursor };
}
