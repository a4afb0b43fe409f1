import "./helpers/env.js";
import "./helpers/photoLimits.js";

import test from "ava";
import sharp from "sharp";
import { LocalDiskStorage } from "../shared/storage/localDiskStorage.js";
import type { ObjectStorage } from "../shared/storage/objectStorage.js";
import { startApp } from "./helpers/app.js";
import { createAdmin, createGuest, createHost, createListing, db, type TestUser } from "./helpers/factories.js";
import { bombPng, jpegWithExif, pngWithHeader, upload } from "./helpers/photos.js";
import { useApp } from "./helpers/useApp.js";

/**
 * Listing photos through the real app on the local-disk driver: uploads of every bad kind leave no
 * row and no file; a good one is re-encoded without its metadata in three sizes served with a
 * year's cache; reorder and delete (every size goes).
 */
const { api, app } = useApp();
const storage = new LocalDiskStorage(process.env.MEDIA_DIR!);

const post = (listingId: string, user: TestUser | null, file: Parameters<typeof upload>[2]["file"], extra = {}) =>
  upload(app().url, `/api/v1/listings/${listingId}/photos`, { token: user?.token, file, ...extra });

async function traces(listingId: string) {
  const { rows } = await db().query("select count(*)::int as n from listing_photos where listing_id = $1", [listingId]);
  return { rows: rows[0].n as number, files: await storage.list(`photos/${listingId}/`) };
}

test("a JPEG upload: 201, three WebP sizes without EXIF, turned the way its orientation says, served for a year", async (t) => {
  const host = await createHost();
  const listing = await createListing(host);
  const original = await jpegWithExif(2000, 1000);
  t.truthy((await sharp(original).metadata()).exif, "the upload does carry EXIF");
  const res = await post(listing.id, host, { body: original, name: "holiday.jpg", type: "image/jpeg" });
  t.is(res.status, 201, JSON.stringify(res.body));
  const photo = res.body.photo;
  t.is(photo.position, 0);
  // Orientation 6 (turn 90°): the 2000 × 1000 pixels are shown 1000 wide and 2000 high.
  t.deepEqual([photo.width, photo.height], [800, 1600]);
  const files = (await traces(listing.id)).files;
  t.is(files.length, 3);
  for (const [size, url] of Object.entries(photo.urls) as [string, string][]) {
    t.regex(url, new RegExp(`^/media/photos/${listing.id}/${photo.id}/${size}\\.[0-9a-f]{20}\\.webp$`));
    const served = await fetch(`${app().url}${url}`);
    t.is(served.status, 200);
    t.is(served.headers.get("content-type"), "image/webp");
    t.is(served.headers.get("cache-control"), "public, max-age=31536000, immutable");
    const meta = await sharp(Buffer.from(await served.arrayBuffer())).metadata();
    t.is(meta.format, "webp");
    t.is(meta.exif, undefined, `${size} has no EXIF`);
    t.is(meta.xmp, undefined);
    t.is(meta.icc, undefined);
    t.true((meta.height ?? 0) <= { small: 320, medium: 800, large: 1600 }[size]!);
    const again = await fetch(`${app().url}${url}`, { headers: { "if-none-match": served.headers.get("etag")! } });
    t.is(again.status, 304);
  }
  const read = await api.get(`/api/v1/listings/${listing.id}`);
  t.deepEqual(read.body.listing.photos, [photo]);
});

test("PNG and WebP are accepted too", async (t) => {
  const host = await createHost();
  const listing = await createListing(host);
  const image = sharp({ create: { width: 400, height: 300, channels: 3, background: "#3a7" } });
  for (const [name, body] of [
    ["a.png", await image.clone().png().toBuffer()],
    ["a.webp", await image.clone().webp().toBuffer()],
  ] as const) {
    const res = await post(listing.id, host, { body, name, type: "application/octet-stream" });
    t.is(res.status, 201, name);
    // Never enlarged: the small size is 320 wide, the others keep the 400.
    t.deepEqual([res.body.photo.width, res.body.photo.height], [400, 300]);
  }
  t.is((await traces(listing.id)).files.length, 6);
});

test("bad uploads of every kind get their 4xx and leave neither a row nor a file", async (t) => {
  const host = await createHost();
  const listing = await createListing(host);
  const jpeg = await jpegWithExif(600, 400);
  const gif = await sharp({ create: { width: 10, height: 10, channels: 3, background: "red" } })
    .gif()
    .toBuffer();
  const tiff = await sharp({ create: { width: 10, height: 10, channels: 3, background: "red" } })
    .tiff()
    .toBuffer();
  const svg = Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
  );
  const cases: [string, Promise<{ status: number; body: any }>, number, string][] = [
    [
      "text named .jpg",
      post(listing.id, host, { body: Buffer.from("hello, not an image"), name: "x.jpg", type: "image/jpeg" }),
      415,
      "unsupported_media_type",
    ],
    ["GIF", post(listing.id, host, { body: gif, name: "x.gif", type: "image/gif" }), 415, "unsupported_media_type"],
    ["TIFF", post(listing.id, host, { body: tiff, name: "x.tiff", type: "image/tiff" }), 415, "unsupported_media_type"],
    ["SVG", post(listing.id, host, { body: svg, name: "x.svg", type: "image/svg+xml" }), 415, "unsupported_media_type"],
    [
      "truncated JPEG",
      post(listing.id, host, {
        body: jpeg.subarray(0, Math.floor(jpeg.length / 2)),
        name: "x.jpg",
        type: "image/jpeg",
      }),
      400,
      "invalid_image",
    ],
    [
      "bomb: 5000 × 5000 in a few kB",
      post(listing.id, host, { body: await bombPng(5000, 5000), name: "x.png", type: "image/png" }),
      400,
      "image_too_large",
    ],
    [
      "bomb: a header claiming 100000 × 100000",
      post(listing.id, host, { body: pngWithHeader(100_000, 100_000), name: "x.png", type: "image/png" }),
      400,
      "image_too_large",
    ],
    [
      "over PHOTO_MAX_BYTES, read up to the cap",
      post(listing.id, host, { body: Buffer.alloc(320_000, 7), name: "x.jpg", type: "image/jpeg" }),
      413,
      "payload_too_large",
    ],
    [
      "declared far over the cap",
      post(listing.id, host, { body: Buffer.alloc(2_000_000, 7), name: "x.jpg", type: "image/jpeg" }),
      413,
      "payload_too_large",
    ],
    ["no file", post(listing.id, host, null), 400, "validation_failed"],
    [
      "another field name",
      post(listing.id, host, { body: jpeg, name: "x.jpg", type: "image/jpeg", field: "picture" }),
      400,
      "validation_failed",
    ],
    [
      "two files",
      post(listing.id, host, { body: jpeg, name: "x.jpg", type: "image/jpeg" }, { twice: true }),
      400,
      "validation_failed",
    ],
    [
      "JSON, not multipart",
      api.post(`/api/v1/listings/${listing.id}/photos`, { photo: "x" }, host.auth),
      415,
      "unsupported_media_type",
    ],
    [
      "not the host",
      post(listing.id, await createGuest(), { body: jpeg, name: "x.jpg", type: "image/jpeg" }),
      403,
      "forbidden",
    ],
    ["signed out", post(listing.id, null, { body: jpeg, name: "x.jpg", type: "image/jpeg" }), 401, "unauthenticated"],
  ];
  for (const [name, pending, status, code] of cases) {
    const res = await pending;
    t.is(res.status, status, `${name}: ${JSON.stringify(res.body)}`);
    t.is(res.body?.error?.code, code, name);
  }
  const unknown = await post("00000000-0000-4000-8000-000000000000", host, {
    body: jpeg,
    name: "x.jpg",
    type: "image/jpeg",
  });
  t.is(unknown.status, 404);
  t.deepEqual(await traces(listing.id), { rows: 0, files: [] });
  // No half-written temporary file either, anywhere in the storage.
  t.deepEqual(
    (await storage.list("photos/")).filter((key) => key.includes(".tmp-")),
    [],
  );
});

test("a store failing on the last size removes the sizes already stored, and no row is written", async (t) => {
  // The real local driver, whose third write fails (a full disk, a lost bucket).
  const real = new LocalDiskStorage(process.env.MEDIA_DIR!);
  let puts = 0;
  const failing: ObjectStorage = {
    driver: "local",
    put: async (key, body, type) => {
      if (++puts === 3) throw new Error("disk full");
      await real.put(key, body, type);
    },
    get: (key) => real.get(key),
    remove: (keys) => real.remove(keys),
    list: (prefix) => real.list(prefix),
  };
  const other = await startApp({ storage: failing });
  try {
    const host = await createHost();
    const listing = await createListing(host);
    const res = await upload(other.url, `/api/v1/listings/${listing.id}/photos`, {
      token: host.token,
      file: { body: await jpegWithExif(600, 400), name: "x.jpg", type: "image/jpeg" },
    });
    t.is(res.status, 500);
    t.is(puts, 3);
    t.deepEqual(await traces(listing.id), { rows: 0, files: [] });
  } finally {
    await other.close();
  }
});

test("reorder puts the photos in the order sent; the first is the cover search shows; a bad order is 400", async (t) => {
  const host = await createHost();
  const listing = await createListing(host, { city: "Photo Town" });
  const ids: string[] = [];
  for (const colour of ["#f00", "#0f0", "#00f"]) {
    const body = await sharp({ create: { width: 64, height: 48, channels: 3, background: colour } })
      .png()
      .toBuffer();
    ids.push((await post(listing.id, host, { body, name: "c.png", type: "image/png" })).body.photo.id);
  }
  const order = [ids[2], ids[0], ids[1]];
  const res = await api.call("PUT", `/api/v1/listings/${listing.id}/photos`, {
    body: { photoIds: order },
    headers: host.auth,
  });
  t.is(res.status, 200);
  t.deepEqual(
    res.body.photos.map((p: { id: string }) => p.id),
    order,
  );
  t.deepEqual(
    res.body.photos.map((p: { position: number }) => p.position),
    [0, 1, 2],
  );
  const search = await api.get("/api/v1/listings?city=photo%20town");
  t.is(search.body.data[0].photos[0].id, ids[2]);

  for (const photoIds of [
    [ids[0], ids[1]],
    [...ids, ids[0]],
    [ids[0], ids[1], "00000000-0000-4000-8000-000000000000"],
  ]) {
    const bad = await api.call("PUT", `/api/v1/listings/${listing.id}/photos`, {
      body: { photoIds },
      headers: host.auth,
    });
    t.is(bad.status, 400);
    t.is(bad.body.error.details[0].path, "photoIds");
  }
  const stranger = await api.call("PUT", `/api/v1/listings/${listing.id}/photos`, {
    body: { photoIds: order },
    headers: (await createHost()).auth,
  });
  t.is(stranger.status, 403);
});

test("delete removes the row and every size; the photos after it move up; an admin may too; a second delete is 404", async (t) => {
  const host = await createHost();
  const listing = await createListing(host);
  const photos: { id: string; urls: Record<string, string> }[] = [];
  for (let i = 0; i < 3; i++) {
    photos.push(
      (await post(listing.id, host, { body: await jpegWithExif(300 + i, 200), name: "x.jpg", type: "image/jpeg" })).body
        .photo,
    );
  }
  const gone = await api.delete(`/api/v1/listings/${listing.id}/photos/${photos[0].id}`, host.auth);
  t.is(gone.status, 204);
  const left = await traces(listing.id);
  t.is(left.rows, 2);
  t.is(left.files.length, 6);
  t.false(left.files.some((key) => key.includes(photos[0].id)));
  for (const url of Object.values(photos[0].urls) as string[]) t.is((await fetch(`${app().url}${url}`)).status, 404);
  const read = await api.get(`/api/v1/listings/${listing.id}`);
  t.deepEqual(
    read.body.listing.photos.map((p: { id: string; position: number }) => [p.id, p.position]),
    [
      [photos[1].id, 0],
      [photos[2].id, 1],
    ],
  );
  t.is((await api.delete(`/api/v1/listings/${listing.id}/photos/${photos[0].id}`, host.auth)).status, 404);
  t.is(
    (await api.delete(`/api/v1/listings/${listing.id}/photos/${photos[1].id}`, (await createGuest()).auth)).status,
    403,
  );
  t.is(
    (await api.delete(`/api/v1/listings/${listing.id}/photos/${photos[1].id}`, (await createAdmin()).auth)).status,
    204,
  );
  t.is((await traces(listing.id)).files.length, 3);
});

test("/media/ serves only keys of photos: anything else is a JSON 404", async (t) => {
  for (const path of [
    "/media/../package.json",
    "/media/photos/x.webp",
    "/media/%2e%2e/%2e%2e/package.json",
    "/media/photos/a/b/c",
  ]) {
    const res = await fetch(`${app().url}${path}`);
    t.is(res.status, 404, path);
  }
});

test("five uploads at once to a listing that takes four: four get positions 0-3, one is 409 too_many_photos and leaves no file", async (t) => {
  const host = await createHost();
  const listing = await createListing(host);
  const bodies = await Promise.all(
    ["#111", "#333", "#555", "#777", "#999"].map((colour) =>
      sharp({ create: { width: 80, height: 60, channels: 3, background: colour } })
        .png()
        .toBuffer(),
    ),
  );
  const results = await Promise.all(
    bodies.map((body) => post(listing.id, host, { body, name: "x.png", type: "image/png" })),
  );
  const statuses = results.map((r) => r.status).sort();
  t.deepEqual(statuses, [201, 201, 201, 201, 409]);
  t.is(results.find((r) => r.status === 409)?.body.error.code, "too_many_photos");
  t.deepEqual(
    results
      .filter((r) => r.status === 201)
      .map((r) => r.body.photo.position)
      .sort(),
    [0, 1, 2, 3],
  );
  const left = await traces(listing.id);
  t.is(left.rows, 4);
  t.is(left.files.length, 12, "only the four stored photos' sizes");
});
