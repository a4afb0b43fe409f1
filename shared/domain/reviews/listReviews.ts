import type { EntityManager } from "@mikro-orm/postgresql";
import { afterPositionSql, type Position, pageOf } from "../listings/cursor.js";
import { assertListingExists } from "../listings/view.js";
import { queryReviews, type ReviewView } from "./view.js";

/** A listing's reviews, newest first, one page at a time; 404 for an unknown listing. */
export async function listReviews(
  em: EntityManager,
  listingId: string,
  page: { limit: number; cursor?: Position },
): Promise<{ reviews: ReviewView[]; nextCursor: string | null }> {
  await assertListingExists(em, listingId);
  const where = ["r.listing_id = ?"];
  const params: unknown[] = [listingId];
  if (page.cursor) {
    where.push(afterPositionSql("r.created_at", "r.id"));
    params.push(page.cursor.at, page.cursor.id);
  }
  const rows = await queryReviews(
    em,
    where.join(" and "),
    [...params, page.limit + 1],
    "order by r.created_at desc, r.id desc limit ?",
  );
  const { items, nextCursor } = pageOf(rows, page.limit, (row) => row.position);
  return { reviews: items.map((row) => row.view), nextCursor };
}
