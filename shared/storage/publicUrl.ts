import { config } from "../config.js";

/** Where the web process serves the local driver's files (server/middlewares/media.ts). */
export const MEDIA_PATH = "/media/";

/**
 * The URL browsers fetch a stored object from: the bucket's public URL (S3_PUBLIC_URL) when photos
 * are in S3, else this origin's /media/ (a path, so it works behind any host name).
 */
export function publicUrlOf(key: string): string {
  return config.S3_BUCKET ? `${config.S3_PUBLIC_URL}/${key}` : `${MEDIA_PATH}${key}`;
}
