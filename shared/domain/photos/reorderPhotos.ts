import { z } from "zod";
import { sql } from "../../db/sql.js";
import { validationFailed } from "../../errors.js";
import { defineCommand } from "../commands/define.js";
import type { PhotoView } from "../listings/photoView.js";
import { listingChanged } from "../listings/searchChanges.js";
import { listingForPhotos, listPhotos } from "./photoRows.js";

export const reorderPhotosBody = z
  .strictObject({
    photoIds: z
      .array(z.guid())
      .max(100)
      .meta({ description: "Every photo of the listing, each once, in the new order." }),
  })
  .meta({ id: "PhotoOrder" });

/**
 * The host (or an admin) puts a listing's photos in a new order: the body lists every photo once
 * (else 400, naming what is missing or foreign); the first becomes the cover search shows. One
 * statement under the listing's lock; the unique position constraint is checked at commit.
 */
export const reorderPhotos = defineCommand({
  name: "listings.photos.reorder",
  input: z.object({ listingId: z.guid() }).extend(reorderPhotosBody.shape),
  async run({ actor, input: { listingId, photoIds }, tx }): Promise<PhotoView[]> {
    const listing = await listingForPhotos(tx.em, actor, listingId, { lock: true });
    const current = (
      await sql(tx.em)<{ id: string }>("select id from listing_photos where listing_id = ?", [listingId])
    ).map((r) => r.id);
    const sent = new Set(photoIds);
    if (sent.size !== photoIds.length || sent.size !== current.length || current.some((id) => !sent.has(id))) {
      throw validationFailed([
        { path: "photoIds", message: `must list each of the listing's ${current.length} photos exactly once` },
      ]);
    }
    await sql(tx.em)(
      `update listing_photos p set position = o.position - 1
         from jsonb_array_elements_text(?::jsonb) with ordinality as o(id, position)
        where p.id = o.id::uuid and p.listing_id = ?`,
      [JSON.stringify(photoIds), listingId],
    );
    tx.searchChanged(listingChanged(listing));
    return listPhotos(tx.em, listingId);
  },
});
