import { randomUUID } from "node:crypto";
import { z } from "zod";
import { config } from "../../config.js";
import { sql } from "../../db/sql.js";
import { conflict } from "../../errors.js";
import { logger } from "../../logger.js";
import type { Actor } from "../accounts/tokens.js";
import { defineCommand } from "../commands/define.js";
import { execute } from "../commands/execute.js";
import type { CommandDeps } from "../deps.js";
import { PHOTO_SIZES, type PhotoSize, type PhotoView, toPhotoView } from "../listings/photoView.js";
import { listingChanged } from "../listings/searchChanges.js";
import { encodePhoto } from "./encodePhoto.js";
import { listingForPhotos, type PhotoDeps, storageOf } from "./photoRows.js";

const addPhotoInput = z.object({ listingId: z.guid(), file: z.instanceof(Buffer) });
type AddPhotoInput = z.output<typeof addPhotoInput>;

const tooMany = () =>
  conflict("too_many_photos", `A listing has at most ${config.PHOTO_MAX_PER_LISTING} photos; delete one first.`);

/**
 * A host (or an admin) adds a photo to a listing, last in its order. In this order, so that a bad or
 * refused upload leaves no trace: the listing and the caller are checked (404, 403, 409
 * too_many_photos); the upload is decoded and re-encoded in its three sizes in memory (encodePhoto:
 * 415, 400); every size is stored under its content-hashed key; then the row is inserted. When a
 * store or the insert fails, every size already stored is removed again before the error goes on.
 * It commits by itself (the image work is done outside any transaction: no connection is held while
 * sharp runs); the row's own transaction is recordPhoto's.
 */
export const addPhoto = defineCommand({
  name: "listings.photos.add",
  input: addPhotoInput,
  transaction: "self",
  async run({
    actor,
    input,
    deps,
  }: {
    actor: Actor;
    input: AddPhotoInput;
    deps: CommandDeps & PhotoDeps;
  }): Promise<PhotoView> {
    const listing = await listingForPhotos(deps.orm.em, actor, input.listingId);
    if (listing.photos >= config.PHOTO_MAX_PER_LISTING) throw tooMany();
    const sizes = await encodePhoto(input.file);

    const storage = storageOf(deps);
    const photoId = randomUUID();
    const keys = Object.fromEntries(
      sizes.map((s) => [s.size, `photos/${listing.id}/${photoId}/${s.size}.${s.hash.slice(0, 20)}.webp`]),
    ) as Record<PhotoSize, string>;
    const stored: string[] = [];
    try {
      for (const s of sizes) {
        await storage.put(keys[s.size], s.body, "image/webp");
        stored.push(keys[s.size]);
      }
      const large = sizes.find((s) => s.size === "large")!;
      return await execute(
        recordPhoto,
        { actor, input: { listingId: listing.id, photoId, sizes: keys, width: large.width, height: large.height } },
        deps,
      );
    } catch (err) {
      await storage.remove(stored).catch((cleanup) => {
        logger.error({ err: cleanup, keys: stored }, "photo upload failed and its stored sizes could not be removed");
      });
      throw err;
    }
  },
});

/** The photo's row, last in the listing's order, once its sizes are stored (addPhoto). */
const recordPhoto = defineCommand({
  name: "listings.photos.record",
  input: z.object({
    listingId: z.guid(),
    photoId: z.guid(),
    sizes: z.object(Object.fromEntries(PHOTO_SIZES.map((s) => [s, z.string()])) as Record<PhotoSize, z.ZodString>),
    width: z.int(),
    height: z.int(),
  }),
  async run({ actor, input, tx }): Promise<PhotoView> {
    // Locked: two uploads at once take the next two positions, and the cap holds.
    const listing = await listingForPhotos(tx.em, actor, input.listingId, { lock: true });
    if (listing.photos >= config.PHOTO_MAX_PER_LISTING) throw tooMany();
    const [row] = await sql(tx.em)<{
      id: string;
      position: number;
      width: number;
      height: number;
      sizes: Record<PhotoSize, string>;
    }>(
      `insert into listing_photos (id, listing_id, position, width, height, sizes)
       values (?, ?, (select coalesce(max(position) + 1, 0) from listing_photos where listing_id = ?), ?, ?, ?::jsonb)
       returning id, position, width, height, sizes`,
      [input.photoId, input.listingId, input.listingId, input.width, input.height, JSON.stringify(input.sizes)],
    );
    tx.searchChanged(listingChanged(listing));
    return toPhotoView(row);
  },
});
