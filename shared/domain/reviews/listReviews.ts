import type { EntityManager } from "@mikro-orm/postgresql";
import { afterCursorSql, toPage } from "../../pagination.js";
import { assertListingExists } from "../listings/view.js";
import { queryReviews, type ReviewView } from "./view.js";

/** A listing's reviews, newest first, one page at a time; 404 for an unknown listing. */
export async function listReviews(
  em: EntityManager,
  listingId: string,
  page: { limit: number /** row id, from pageCursor */; cursor?: string },
): Promise<{ reviews: ReviewView[]; nextCursor: string | null }> {
  await assertListingExists(em, listingId);
  const where = ["r.listing_id = ?"];
  const params: unknown[] = [listingId];
  if (page.cursor) {
    where.push(afterCursorSql("reviews", "r", "newest"));
    params.push(page.cursor);
  }
  const rows = await queryReviews(
    em,
    where.join(" and "),
    [...params, page.limit + 1],
    "order by r.created_at desc, r.id desc limit ?",
  );
  const { data, nextCursor } = toPage(rows, page.limit);
  return { reviews: data, nextCursor };
}
