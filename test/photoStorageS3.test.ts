import "./helpers/env.js";
import "./helpers/photoLimits.js";
// Sets S3_* before anything reads config (a side-effect import, so it stays first).
import "./helpers/s3.js";

import test from "ava";
import sharp from "sharp";
import { photoStorage } from "../shared/storage/photoStorage.js";
import { S3Storage } from "../shared/storage/s3Storage.js";
import { createHost, createListing } from "./helpers/factories.js";
import { jpegWithExif, upload } from "./helpers/photos.js";
import { S3_BUCKET, S3_ENDPOINT, useS3rver } from "./helpers/s3.js";
import { useApp } from "./helpers/useApp.js";

/**
 * The S3 driver (@aws-sdk/client-s3) against the S3 protocol, served locally by s3rver (from npm):
 * the driver's contract, then the app configured with S3_* storing, serving (the bucket's URL) and
 * deleting a listing's photos there, and leaving nothing after a refused upload.
 */
useS3rver();
const { api, app } = useApp();

const driver = () =>
  new S3Storage({
    bucket: S3_BUCKET,
    region: "us-east-1",
    endpoint: S3_ENDPOINT,
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });

test.serial(
  "the driver: put, get, list by prefix, remove (a missing key is no error; a missing object reads null)",
  async (t) => {
    const s3 = driver();
    await s3.put("contract/a/one.webp", Buffer.from("one"), "image/webp");
    await s3.put("contract/a/two.webp", Buffer.from("two"), "image/webp");
    await s3.put("contract/b/three.webp", Buffer.from("three"), "image/webp");
    t.deepEqual((await s3.get("contract/a/two.webp"))?.toString(), "two");
    t.deepEqual(await s3.list("contract/a/"), ["contract/a/one.webp", "contract/a/two.webp"]);
    await s3.remove(["contract/a/one.webp", "contract/a/two.webp", "contract/a/never.webp"]);
    t.deepEqual(await s3.list("contract/"), ["contract/b/three.webp"]);
    t.is(await s3.get("contract/a/one.webp"), null);
    await s3.remove([]);
    s3.close();
  },
);

test.serial(
  "configured with S3_*, uploads go to the bucket, are served from its URL with a year's cache, and deletion removes every size",
  async (t) => {
    t.is(photoStorage().driver, "s3");
    const host = await createHost();
    const listing = await createListing(host);
    const res = await upload(app().url, `/api/v1/listings/${listing.id}/photos`, {
      token: host.token,
      file: { body: await jpegWithExif(900, 600), name: "x.jpg", type: "image/jpeg" },
    });
    t.is(res.status, 201, JSON.stringify(res.body));
    const s3 = driver();
    const stored = await s3.list(`photos/${listing.id}/`);
    t.is(stored.length, 3);
    for (const url of Object.values(res.body.photo.urls) as string[]) {
      t.true(url.startsWith(`${S3_ENDPOINT}/${S3_BUCKET}/photos/${listing.id}/`), url);
      const served = await fetch(url);
      t.is(served.status, 200);
      t.is(served.headers.get("cache-control"), "public, max-age=31536000, immutable");
      t.is((await sharp(Buffer.from(await served.arrayBuffer())).metadata()).format, "webp");
      // The web process serves no S3 key itself.
      t.is((await fetch(`${app().url}/media/${url.slice(`${S3_ENDPOINT}/${S3_BUCKET}/`.length)}`)).status, 404);
    }
    const gone = await api.delete(`/api/v1/listings/${listing.id}/photos/${res.body.photo.id}`, host.auth);
    t.is(gone.status, 204);
    t.deepEqual(await s3.list(`photos/${listing.id}/`), []);
    s3.close();
  },
);

test.serial("a refused upload leaves nothing in the bucket", async (t) => {
  const host = await createHost();
  const listing = await createListing(host);
  const res = await upload(app().url, `/api/v1/listings/${listing.id}/photos`, {
    token: host.token,
    file: { body: Buffer.from("GIF89a not really"), name: "x.jpg", type: "image/jpeg" },
  });
  t.is(res.status, 415);
  const s3 = driver();
  t.deepEqual(await s3.list(`photos/${listing.id}/`), []);
  s3.close();
});
