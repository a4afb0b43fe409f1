import { z } from "zod";
import { type ReviewView, reviewViewSchema } from "../../shared/domain/reviews/view.js";

/** What a review looks like on the wire: the reviewer's name, no user or booking id. */
export const reviewSchema = reviewViewSchema.meta({ id: "Review" });

export const reviewResponseSchema = z.object({ review: reviewSchema });

export const reviewPageSchema = z
  .object({ data: z.array(reviewSchema), nextCursor: z.string().nullable() })
  .meta({ id: "ReviewPage" });

export type ReviewJson = z.infer<typeof reviewSchema>;

export function presentReview(view: ReviewView): ReviewJson {
  return {
    id: view.id,
    listingId: view.listingId,
    rating: view.rating,
    comment: view.comment,
    reviewerName: view.reviewerName,
    createdAt: view.createdAt,
  };
}
