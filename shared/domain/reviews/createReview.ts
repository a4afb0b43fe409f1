import { runCommand } from "../../db/runCommand.js";
import { conflict } from "../../errors.js";
import type { Actor } from "../accounts/tokens.js";
import type { CommandDeps } from "../deps.js";
import { invalidateSearchCache } from "../listings/searchCache.js";
import { assertMayReview } from "./policy.js";
import type { ReviewInput } from "./schemas.js";
import { queryReviews, type ReviewView } from "./view.js";

const isUniqueViolation = (err: unknown, constraint: string) =>
  (err as { code?: string }).code === "23505" && (err as { constraint?: string }).constraint === constraint;

/**
 * The guest of a completed stay reviews it, once. "Once" is the unique constraint's job, so two
 * racing requests cannot both pass a check; the listing's rating figures move in the same
 * transaction with an in-place increment, so concurrent reviews never lose an update.
 */
export async function createReview(
  deps: CommandDeps,
  actor: Actor,
  bookingId: string,
  input: ReviewInput,
): Promise<ReviewView> {
  const view = await runCommand(deps.orm, async ({ em }) => {
    const sql = em.getConnection();
    const tx = em.getTransactionContext();
    const [booking] = await sql.execute<{ guest_id: string; host_id: string; listing_id: string; status: string }[]>(
      `select b.guest_id, l.host_id, b.listing_id, b.status
         from bookings b join listings l on l.id = b.listing_id where b.id = ?`,
      [bookingId],
      "all",
      tx,
    );
    assertMayReview(
      actor,
      booking ? { guestId: booking.guest_id, hostId: booking.host_id, status: booking.status } : null,
    );
    let reviewId: string;
    try {
      const [row] = await sql.execute<{ id: string }[]>(
        `insert into reviews (booking_id, listing_id, guest_id, rating, comment) values (?, ?, ?, ?, ?) returning id`,
        [bookingId, booking.listing_id, actor.id, input.rating, input.comment],
        "all",
        tx,
      );
      reviewId = row.id;
    } catch (err) {
      if (isUniqueViolation(err, "reviews_booking_unique")) {
        throw conflict("already_reviewed", "This stay has already been reviewed.");
      }
      throw err;
    }
    await sql.execute(
      "update listings set rating_sum = rating_sum + ?, review_count = review_count + 1 where id = ?",
      [input.rating, booking.listing_id],
      "run",
      tx,
    );
    const [review] = await queryReviews(em, "r.id = ?", [reviewId]);
    return review;
  });
  // The listing's average is part of search answers.
  await invalidateSearchCache(deps.redis);
  return view;
}
