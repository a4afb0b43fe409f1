import { config } from "../config.js";
import { LocalDiskStorage } from "./localDiskStorage.js";
import type { ObjectStorage } from "./objectStorage.js";
import { S3Storage } from "./s3Storage.js";

let configured: ObjectStorage | null = null;

/** The storage the configuration names (see objectStorage.ts), made once per process. */
export function photoStorage(): ObjectStorage {
  configured ??= config.S3_BUCKET
    ? new S3Storage({
        bucket: config.S3_BUCKET,
        region: config.S3_REGION,
        endpoint: config.S3_ENDPOINT,
        forcePathStyle: config.S3_FORCE_PATH_STYLE,
        credentials:
          config.S3_ACCESS_KEY_ID && config.S3_SECRET_ACCESS_KEY
            ? { accessKeyId: config.S3_ACCESS_KEY_ID, secretAccessKey: config.S3_SECRET_ACCESS_KEY }
            : undefined,
      })
    : new LocalDiskStorage(config.MEDIA_DIR);
  return configured;
}
