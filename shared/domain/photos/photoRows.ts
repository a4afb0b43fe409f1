import type { EntityManager } from "@mikro-orm/postgresql";
import { sql } from "../../db/sql.js";
import { notFound } from "../../errors.js";
import type { ObjectStorage } from "../../storage/objectStorage.js";
import { photoStorage } from "../../storage/photoStorage.js";
import type { Actor } from "../accounts/tokens.js";
import { type PhotoRow, type PhotoView, toPhotoView } from "../listings/photoView.js";
import { assertMayManageListing } from "../listings/policy.js";

/** What the photo commands need besides the database and Redis: the storage (the configured one by default). */
export interface PhotoDeps {
  storage?: ObjectStorage;
}
export const storageOf = (deps: PhotoDeps) => deps.storage ?? photoStorage();

export interface ListingOfPhotos {
  id: string;
  host_id: string;
  city: string;
  country: string;
  photos: number;
}

/**
 * The listing whose photos change, 404 unless it exists, 403 unless the actor may manage it; with
 * `lock`, its row is locked (FOR UPDATE) so photo changes of one listing queue (positions, the cap).
 */
export async function listingForPhotos(
  em: EntityManager,
  actor: Actor,
  listingId: string,
  options: { lock?: boolean } = {},
): Promise<ListingOfPhotos> {
  // Locked in a statement of its own: the count below then reads a snapshot taken after the lock was
  // granted, so it sees the photos of the upload that held it before (in one statement it would not).
  if (options.lock) await sql(em)("select 1 from listings where id = ? for no key update", [listingId]);
  const [listing] = await sql(em)<ListingOfPhotos>(
    `select l.id, l.host_id, l.city, l.country,
            (select count(*)::int from listing_photos p where p.listing_id = l.id) as photos
       from listings l where l.id = ?`,
    [listingId],
  );
  if (!listing) throw notFound("listing");
  assertMayManageListing(actor, { hostId: listing.host_id });
  return listing;
}

/** A listing's photos, in order. */
export async function listPhotos(em: EntityManager, listingId: string): Promise<PhotoView[]> {
  const rows = await sql(em)<PhotoRow>(
    "select id, position, width, height, sizes from listing_photos where listing_id = ? order by position",
    [listingId],
  );
  return rows.map(toPhotoView);
}
