import { z } from "zod";
import { type BlockView, blockViewSchema } from "../../shared/domain/listings/blocks.js";

/** What a calendar block looks like on the wire (its host and admins only). */
export const blockSchema = blockViewSchema.meta({ id: "Block" });

export const blockResponseSchema = z.object({ block: blockSchema });

export const blockListSchema = z.object({ blocks: z.array(blockSchema) }).meta({ id: "BlockList" });

export type BlockJson = z.infer<typeof blockSchema>;

export function presentBlock(view: BlockView): BlockJson {
  return {
    id: view.id,
    listingId: view.listingId,
    checkIn: view.checkIn,
    checkOut: view.checkOut,
    nights: view.nights,
    note: view.note,
    createdById: view.createdById,
    createdAt: view.createdAt,
    source: view.source,
    feedId: view.feedId,
  };
}
