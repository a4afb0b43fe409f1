import { createHash } from "node:crypto";
import type { Metadata } from "sharp";
import { config } from "../../config.js";
import { AppError, badRequest } from "../../errors.js";
import type { PhotoSize } from "../listings/photoView.js";

/** The widths (and heights: fit inside a square) of the three stored sizes. */
export const PHOTO_WIDTHS: Record<PhotoSize, number> = { small: 320, medium: 800, large: 1600 };
const ACCEPTED = new Set(["jpeg", "png", "webp"]);

export interface EncodedSize {
  size: PhotoSize;
  body: Buffer;
  width: number;
  height: number;
  /** Hex SHA-256 of body (its first 20 digits name the stored file). */
  hash: string;
}

export const notAnImage = () =>
  new AppError("unsupported_media_type", 415, "The file is not a JPEG, PNG or WebP image.");

/**
 * Decodes an upload and re-encodes it in the three sizes (WebP), all in memory: nothing is stored
 * until every size exists. What the bytes are is read from the bytes (never the declared type or
 * name): anything but JPEG, PNG or WebP is 415. The header's dimensions are checked before any
 * pixel is decoded, so a decompression bomb (a small file of huge dimensions) is 400 image_too_large
 * at the cost of reading its header; sharp's limitInputPixels refuses it again while decoding. A file
 * whose header is right but whose data does not decode is 400 invalid_image. Re-encoding drops EXIF
 * (GPS positions, camera serials), XMP, IPTC and ICC data: sharp writes none unless asked; the EXIF
 * orientation is applied to the pixels first (rotate()), so the photo keeps its way up.
 */
export async function encodePhoto(input: Buffer): Promise<EncodedSize[]> {
  // Loaded on the first upload: a process that never decodes a photo never loads sharp (libvips).
  const { default: sharp } = await import("sharp");
  const limitInputPixels = config.PHOTO_MAX_PIXELS;
  let metadata: Metadata;
  try {
    metadata = await sharp(input, { limitInputPixels: false }).metadata();
  } catch {
    throw notAnImage();
  }
  if (!metadata.format || !ACCEPTED.has(metadata.format)) throw notAnImage();
  const pixels = (metadata.width ?? 0) * (metadata.height ?? 0) * Math.max(1, metadata.pages ?? 1);
  if (pixels > limitInputPixels) {
    throw badRequest(
      "image_too_large",
      `The image is ${metadata.width} × ${metadata.height} pixels; at most ${limitInputPixels} pixels are accepted.`,
    );
  }
  try {
    // failOn "warning": a truncated or corrupt file fails instead of being padded with grey.
    const decoded = sharp(input, { limitInputPixels, failOn: "warning" }).rotate();
    return await Promise.all(
      (Object.entries(PHOTO_WIDTHS) as [PhotoSize, number][]).map(async ([size, width]) => {
        const { data, info } = await decoded
          .clone()
          .resize({ width, height: width, fit: "inside", withoutEnlargement: true })
          .webp({ quality: 82 })
          .toBuffer({ resolveWithObject: true });
        return {
          size,
          body: data,
          width: info.width,
          height: info.height,
          hash: createHash("sha256").update(data).digest("hex"),
        };
      }),
    );
  } catch (err) {
    if (/pixel limit/i.test((err as Error).message)) {
      throw badRequest("image_too_large", `The image has more than ${limitInputPixels} pixels.`);
    }
    throw badRequest("invalid_image", "The image could not be decoded (is it truncated or corrupt?).");
  }
}
