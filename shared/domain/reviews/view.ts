import type { EntityManager } from "@mikro-orm/postgresql";
import { z } from "zod";
import { sql } from "../../db/sql.js";

/**
 * A review as anyone may read it. It names the reviewer but carries neither their user id nor the
 * booking id: listing reviews are public, bookings are not. The one definition (type and presenter
 * schema derive from it).
 */
export const reviewViewSchema = z.object({
  id: z.uuid(),
  listingId: z.uuid(),
  rating: z.int().min(1).max(5),
  comment: z.string(),
  reviewerName: z.string(),
  createdAt: z.iso.datetime(),
});
export type ReviewView = z.infer<typeof reviewViewSchema>;

interface ReviewRow {
  id: string;
  listing_id: string;
  rating: number;
  comment: string;
  reviewer_name: string;
  created_at: Date;
}

/** Reviews by a where clause over `r` (parameters bound), in the caller's transaction if any. */
export async function queryReviews(
  em: EntityManager,
  where: string,
  params: unknown[],
  orderAndLimit = "",
): Promise<ReviewView[]> {
  const rows = await sql(em)<ReviewRow>(
    `select r.id, r.listing_id, r.rating, r.comment, u.name as reviewer_name, r.created_at
       from reviews r join users u on u.id = r.guest_id
      where ${where} ${orderAndLimit}`,
    params,
  );
  return rows.map((row) => ({
    id: row.id,
    listingId: row.listing_id,
    rating: row.rating,
    comment: row.comment,
    reviewerName: row.reviewer_name,
    createdAt: new Date(row.created_at).toISOString(),
  }));
}

/** The first (oldest) review of each of several listings, in one statement (GraphQL's batched `firstReview`). */
export function firstReviewsOf(em: EntityManager, listingIds: readonly string[]): Promise<ReviewView[]> {
  if (listingIds.length === 0) return Promise.resolve([]);
  return queryReviews(
    em,
    `r.id in (select distinct on (listing_id) id from reviews where listing_id = any(?::uuid[])
               order by listing_id, created_at, id)`,
    [`{${listingIds.join(",")}}`],
  );
}
