import Router from "@koa/router";
import { notFound } from "../../shared/errors.js";
import type { ObjectStorage } from "../../shared/storage/objectStorage.js";
import { IMMUTABLE_CACHE } from "../../shared/storage/objectStorage.js";
import { photoStorage } from "../../shared/storage/photoStorage.js";
import { MEDIA_PATH } from "../../shared/storage/publicUrl.js";

/** The keys addPhoto writes: photos/<listing>/<photo>/<size>.<content hash>.webp. Nothing else is served. */
const PHOTO_KEY = /^photos\/[0-9a-f-]{36}\/[0-9a-f-]{36}\/(small|medium|large)\.([0-9a-f]{20})\.webp$/;

/**
 * The local storage driver's files at /media/<key>, for a year (immutable: a key's name carries its
 * content hash, so new bytes always get a new URL). With S3 the bucket's URL serves them instead and
 * these routes answer nothing (404).
 */
export function mediaRoutes(storage: () => ObjectStorage = photoStorage): Router {
  const router = new Router();
  router.get(`${MEDIA_PATH}*key`, async (ctx) => {
    const key = String(ctx.params.key);
    const match = PHOTO_KEY.exec(key);
    const store = storage();
    if (!match || store.driver !== "local") throw notFound("photo");
    const etag = `"${match[2]}"`;
    if (ctx.get("if-none-match") === etag) {
      ctx.status = 304;
      return;
    }
    const body = await store.get(key);
    if (!body) throw notFound("photo");
    ctx.set("Cache-Control", IMMUTABLE_CACHE);
    ctx.set("ETag", etag);
    ctx.type = "image/webp";
    ctx.body = body;
  });
  return router;
}
