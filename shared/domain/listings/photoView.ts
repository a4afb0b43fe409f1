import { z } from "zod";
import { publicUrlOf } from "../../storage/publicUrl.js";

export const PHOTO_SIZES = ["small", "medium", "large"] as const;
export type PhotoSize = (typeof PHOTO_SIZES)[number];

/** A listing's photo as anyone sees it: its three sizes' URLs (content-hashed: cacheable forever). */
export const photoViewSchema = z
  .object({
    id: z.uuid(),
    position: z.int(),
    width: z.int().meta({ description: "Of the large size, in pixels." }),
    height: z.int(),
    urls: z.object({
      small: z.string().meta({ description: "320 px wide at most, WebP." }),
      medium: z.string().meta({ description: "800 px wide at most, WebP." }),
      large: z.string().meta({ description: "1600 px wide at most, WebP." }),
    }),
  })
  .meta({ id: "Photo" });
export type PhotoView = z.infer<typeof photoViewSchema>;

export interface PhotoRow {
  id: string;
  position: number;
  width: number;
  height: number;
  sizes: Record<PhotoSize, string>;
}

/** A listing `l`'s photos as one JSON array in position order (LISTING_COLUMNS: no query per listing). */
export const PHOTOS_JSON_SQL = `(select coalesce(jsonb_agg(jsonb_build_object('id', p.id, 'position', p.position,
  'width', p.width, 'height', p.height, 'sizes', p.sizes) order by p.position), '[]')
  from listing_photos p where p.listing_id = l.id)`;

export function toPhotoView(row: PhotoRow): PhotoView {
  return {
    id: row.id,
    position: row.position,
    width: row.width,
    height: row.height,
    urls: {
      small: publicUrlOf(row.sizes.small),
      medium: publicUrlOf(row.sizes.medium),
      large: publicUrlOf(row.sizes.large),
    },
  };
}
