import { z } from "zod";
import { defineQuery } from "../commands/define.js";
import { assertMayManageBlocks, type BlockView, futureBlocks } from "./blocks.js";

/**
 * A listing's blocks that are not over yet (checkOut after today, UTC), by check-in, all of them:
 * blocks reach at most BLOCK_HORIZON_DAYS ahead and never overlap, so the list is bounded. Its host
 * and admins only (the public sees the same nights as blocked in availability, not why).
 */
export const listBlocks = defineQuery({
  name: "listings.blocks.list",
  input: z.object({ listingId: z.guid() }),
  async run({ actor, input: { listingId }, em }): Promise<BlockView[]> {
    await assertMayManageBlocks(em, actor, listingId);
    return futureBlocks(em, listingId);
  },
});
