import { z } from "zod";
import { sql } from "../../db/sql.js";
import { declineLapsedRequests } from "../bookings/declineLapsedRequests.js";
import { expireHolds } from "../bookings/expireHolds.js";
import { emitAvailabilityChanged, lockListingAvailability } from "../bookings/listingAvailability.js";
import { defineCommand, withIds } from "../commands/define.js";
import { assertMayManageBlocks, BLOCK_VIEW_SQL, type BlockView, blockInputSchema } from "./blocks.js";

/**
 * The listing's host (or an admin) keeps nights off the market. There is no "is it free?" check: the
 * block is inserted and the exclusion constraint listing_occupancy_no_overlap (migration
 * calendarBlocks) decides against active bookings and other blocks alike, so a block racing a booking
 * for the same nights ends with exactly one of them (23P01 → 409 dates_unavailable, the door's
 * default). Under the listing's availability lock (taken first, as the hold takes it), unpaid holds
 * that lapsed but were not swept yet are expired (requests past their deadline declined) before the insert: they no longer keep the dates
 * from anyone, but they are still in the constraint. Search forgets its answers after commit, and
 * the listing's live feed gets the new blocked dates.
 */
export const createBlock = defineCommand({
  name: "listings.blocks.create",
  input: withIds({ listingId: z.guid() }, blockInputSchema),
  async run({ actor, input: { listingId, checkIn, checkOut, note }, tx }): Promise<BlockView> {
    await assertMayManageBlocks(tx.em, actor, listingId);
    await lockListingAvailability(tx, listingId);
    await expireHolds(tx, { listingId, range: { checkIn, checkOut } });
    // Likewise requests whose approval deadline passed (the deadline sweep declines them otherwise).
    await declineLapsedRequests(tx, { listingId, range: { checkIn, checkOut } });
    const [{ view }] = await sql(tx.em)<{ view: BlockView }>(
      `insert into listing_blocks as x (listing_id, check_in, check_out, note, created_by_id)
       values (?, ?::date, ?::date, ?, ?) returning ${BLOCK_VIEW_SQL}`,
      [listingId, checkIn, checkOut, note ?? null, actor.id],
    );
    await emitAvailabilityChanged(tx, listingId);
    tx.searchChanged({ kind: "taken", listingId, nights: { checkIn, checkOut } });
    return view;
  },
});
