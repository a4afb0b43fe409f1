import { z } from "zod";
import { sql } from "../../db/sql.js";
import { notFound } from "../../errors.js";
import type { Actor } from "../accounts/tokens.js";
import { defineCommand } from "../commands/define.js";
import { execute } from "../commands/execute.js";
import type { CommandDeps } from "../deps.js";
import { listingChanged } from "../listings/searchChanges.js";
import { listingForPhotos, type PhotoDeps, storageOf } from "./photoRows.js";

const deletePhotoInput = z.object({ listingId: z.guid(), photoId: z.guid() });
type DeletePhotoInput = z.output<typeof deletePhotoInput>;

/**
 * The host (or an admin) deletes a photo: its row goes (the photos after it move up one), then every
 * one of its sizes is removed from storage, after the commit, so a failed transaction never leaves a
 * row whose files are gone. 404 for a photo that is not this listing's.
 */
export const deletePhoto = defineCommand({
  name: "listings.photos.delete",
  input: deletePhotoInput,
  transaction: "self",
  async run({ actor, input, deps }: { actor: Actor; input: DeletePhotoInput; deps: CommandDeps & PhotoDeps }) {
    const keys = await execute(removePhotoRow, { actor, input }, deps);
    await storageOf(deps).remove(keys);
  },
});

const removePhotoRow = defineCommand({
  name: "listings.photos.removeRow",
  input: deletePhotoInput,
  async run({ actor, input: { listingId, photoId }, tx }): Promise<string[]> {
    const listing = await listingForPhotos(tx.em, actor, listingId, { lock: true });
    const [deleted] = await sql(tx.em)<{ position: number; sizes: Record<string, string> }>(
      "delete from listing_photos where id = ? and listing_id = ? returning position, sizes",
      [photoId, listingId],
    );
    if (!deleted) throw notFound("photo");
    await sql(tx.em)("update listing_photos set position = position - 1 where listing_id = ? and position > ?", [
      listingId,
      deleted.position,
    ]);
    tx.searchChanged(listingChanged(listing));
    return Object.values(deleted.sizes);
  },
});
