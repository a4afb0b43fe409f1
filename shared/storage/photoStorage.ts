import { config } from "../config.js";
import { LocalDiskStorage } from "./localDiskStorage.js";
import type { ObjectStorage } from "./objectStorage.js";

let configured: ObjectStorage | null = null;

/** The storage the configuration names (see objectStorage.ts), made once per process. */
export function photoStorage(): ObjectStorage {
  configured ??= config.S3_BUCKET ? lazyS3(config.S3_BUCKET) : new LocalDiskStorage(config.MEDIA_DIR);
  return configured;
}

/**
 * The S3 driver, loaded on first use: a deployment on the local disk (the default) never loads the
 * AWS SDK (with sharp's lazy load, an idle web process is some 5 to 10 MB smaller).
 */
function lazyS3(bucket: string): ObjectStorage {
  let loaded: Promise<ObjectStorage> | null = null;
  const driver = () =>
    (loaded ??= import("./s3Storage.js").then(
      ({ S3Storage }) =>
        new S3Storage({
          bucket,
          region: config.S3_REGION,
          endpoint: config.S3_ENDPOINT,
          forcePathStyle: config.S3_FORCE_PATH_STYLE,
          credentials:
            config.S3_ACCESS_KEY_ID && config.S3_SECRET_ACCESS_KEY
              ? { accessKeyId: config.S3_ACCESS_KEY_ID, secretAccessKey: config.S3_SECRET_ACCESS_KEY }
              : undefined,
        }),
    ));
  return {
    driver: "s3",
    put: async (key, body, contentType) => (await driver()).put(key, body, contentType),
    get: async (key) => (await driver()).get(key),
    remove: async (keys) => (await driver()).remove(keys),
    list: async (prefix) => (await driver()).list(prefix),
  };
}
