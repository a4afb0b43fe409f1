import { z } from "zod";
import { sql } from "../../db/sql.js";
import { conflict } from "../../errors.js";
import { onConstraint } from "../commands/databaseErrors.js";
import { defineCommand } from "../commands/define.js";
import { listingChanged } from "../listings/searchChanges.js";
import { assertMayReview } from "./policy.js";
import { reviewInputSchema } from "./schemas.js";
import { queryReviews, type ReviewView } from "./view.js";

/**
 * The guest of a completed stay reviews it, once. "Once" is the unique constraint's job, so two
 * racing requests cannot both pass a check; the listing's rating figures move in the same
 * transaction with an in-place increment, so concurrent reviews never lose an update.
 * The listing's average is part of search answers: a listing change for the search cache.
 */
export const createReview = defineCommand({
  name: "reviews.create",
  input: reviewInputSchema.extend({ bookingId: z.guid() }),
  errors: {
    unique: onConstraint(
      "reviews_booking_unique",
      conflict("already_reviewed", "This stay has already been reviewed."),
    ),
  },
  async run({ actor, input, tx }): Promise<ReviewView> {
    const q = sql(tx.em);
    const [booking] = await q<{
      guest_id: string;
      host_id: string;
      listing_id: string;
      status: string;
      city: string;
      country: string;
    }>(
      `select b.guest_id, l.host_id, b.listing_id, b.status, l.city, l.country
         from bookings b join listings l on l.id = b.listing_id where b.id = ?`,
      [input.bookingId],
    );
    assertMayReview(
      actor,
      booking ? { guestId: booking.guest_id, hostId: booking.host_id, status: booking.status } : null,
    );
    const [{ id }] = await q<{ id: string }>(
      "insert into reviews (booking_id, listing_id, guest_id, rating, comment) values (?, ?, ?, ?, ?) returning id",
      [input.bookingId, booking.listing_id, actor.id, input.rating, input.comment],
    );
    await q("update listings set rating_sum = rating_sum + ?, review_count = review_count + 1 where id = ?", [
      input.rating,
      booking.listing_id,
    ]);
    tx.searchChanged(listingChanged({ id: booking.listing_id, city: booking.city, country: booking.country }));
    const [review] = await queryReviews(tx.em, "r.id = ?", [id]);
    return review;
  },
});
