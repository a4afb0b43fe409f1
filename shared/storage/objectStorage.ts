/**
 * Where photos' bytes live: one interface, two drivers. The local disk (MEDIA_DIR, served by the web
 * process under /media/) by default; any S3-compatible bucket when S3_BUCKET is set. Keys are ours
 * (photos/<listing>/<photo>/<size>.<content hash>.webp), never a user's file name.
 */
export interface ObjectStorage {
  readonly driver: "local" | "s3";
  /** Stores the whole object or nothing (a reader never sees part of one). */
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** The object's bytes, or null when there is none. */
  get(key: string): Promise<Buffer | null>;
  /** Removes these objects; a missing one is not an error. */
  remove(keys: string[]): Promise<void>;
  /** The keys under a prefix (tests and operators: what is stored). */
  list(prefix: string): Promise<string[]>;
}

/** Stored objects never change (their names carry their content hash): cacheable for a year. */
export const IMMUTABLE_CACHE = "public, max-age=31536000, immutable";
