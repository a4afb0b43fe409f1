import "./helpers/env.js";
import "./helpers/photoLimits.js";

import { request as httpRequest } from "node:http";
import test from "ava";
import sharp from "sharp";
import { LocalDiskStorage } from "../shared/storage/localDiskStorage.js";
import { createAdmin, createGuest, createHost, createListing, db, type TestUser } from "./helpers/factories.js";
import { codesOf, graphqlClient } from "./helpers/graphql.js";
import { bombPng, jpegWithExif, pngWithHeader, postForm, type UploadFile, upload } from "./helpers/photos.js";
import { useApp } from "./helpers/useApp.js";

/**
 * addPhoto over GraphQL's multipart request spec (real multipart bodies: undici's FormData and
 * fetch), against the real app on the local-disk driver: REST's command, limits, codes and "a
 * refused upload stores nothing"; JSON keeps its limits, and only /graphql gained multipart.
 */
const { api, app } = useApp();
const gql = graphqlClient(() => app().url);
const storage = new LocalDiskStorage(process.env.MEDIA_DIR!);
const PHOTO_MAX_BYTES = Number(process.env.PHOTO_MAX_BYTES);

const ADD_PHOTO = `mutation($listingId: ID!, $file: File!) {
  addPhoto(listingId: $listingId, file: $file) { id position width height small medium large }
}`;

interface Sent {
  status: number;
  body: any;
  headers: Headers;
}

/**
 * POSTs addPhoto as the multipart request spec says: `operations` (the query, `$file` null), `map`
 * (file part "0" → variables.file), then the file part. `parts` overrides the form for malformed cases.
 */
async function addPhoto(
  listingId: string,
  user: TestUser | null,
  file: UploadFile | null,
  options: { twice?: boolean; operations?: string; map?: string } = {},
): Promise<Sent> {
  const form = new FormData();
  form.append(
    "operations",
    options.operations ?? JSON.stringify({ query: ADD_PHOTO, variables: { listingId, file: null } }),
  );
  form.append("map", options.map ?? JSON.stringify(file ? { 0: ["variables.file"] } : {}));
  if (file) {
    const blob = new Blob([new Uint8Array(file.body)], { type: file.type });
    form.append("0", blob, file.name);
    if (options.twice) form.append("1", blob, file.name);
  }
  return postForm(`${app().url}/graphql`, form, user?.token);
}

const codeOf = (sent: Sent) => sent.body?.errors?.[0]?.extensions?.code;

async function traces(listingId: string) {
  const { rows } = await db().query("select count(*)::int as n from listing_photos where listing_id = $1", [listingId]);
  return { rows: rows[0].n as number, files: await storage.list(`photos/${listingId}/`) };
}

const png = (colour: string) =>
  sharp({ create: { width: 80, height: 60, channels: 3, background: colour } })
    .png()
    .toBuffer();

test("addPhoto stores a JPEG as REST does: three WebP sizes without EXIF, last in the order, shown on the listing", async (t) => {
  const host = await createHost();
  const listing = await createListing(host);
  const original = await jpegWithExif(2000, 1000);
  const res = await addPhoto(listing.id, host, { body: original, name: "holiday.jpg", type: "image/jpeg" });
  t.is(res.status, 200, JSON.stringify(res.body));
  t.is(res.body.errors, undefined);
  const photo = res.body.data.addPhoto;
  t.is(photo.position, 0);
  // Orientation 6 applied (2000 × 1000 shown 1000 wide), as the REST upload of the same file.
  t.deepEqual([photo.width, photo.height], [800, 1600]);
  t.is((await traces(listing.id)).files.length, 3);
  for (const size of ["small", "medium", "large"]) {
    t.regex(photo[size], new RegExp(`^/media/photos/${listing.id}/${photo.id}/${size}\\.[0-9a-f]{20}\\.webp$`));
    const served = await fetch(`${app().url}${photo[size]}`);
    t.is(served.status, 200);
    const meta = await sharp(Buffer.from(await served.arrayBuffer())).metadata();
    t.is(meta.format, "webp");
    t.is(meta.exif, undefined, `${size} has no EXIF`);
  }
  // The same command as REST: a REST upload goes after it, and both doors show both.
  const rest = await upload(app().url, `/api/v1/listings/${listing.id}/photos`, {
    token: host.token,
    file: { body: await png("#123"), name: "b.png", type: "image/png" },
  });
  t.is(rest.status, 201);
  t.is(rest.body.photo.position, 1);
  const seen = await gql(`query($id: ID!) { listing(id: $id) { photos { id position } } }`, { id: listing.id });
  t.deepEqual(seen.data.listing.photos, [
    { id: photo.id, position: 0 },
    { id: rest.body.photo.id, position: 1 },
  ]);
  const read = await api.get(`/api/v1/listings/${listing.id}`);
  t.is(read.body.listing.photos[0].id, photo.id);
});

test("an admin may add a photo; the listing's cap holds (too_many_photos) and leaves no file", async (t) => {
  const host = await createHost();
  const listing = await createListing(host);
  const admin = await createAdmin();
  for (const [i, colour] of ["#111", "#333", "#555", "#777"].entries()) {
    const who = i === 0 ? admin : host;
    const res = await addPhoto(listing.id, who, { body: await png(colour), name: "x.png", type: "image/png" });
    t.is(res.body.data?.addPhoto.position, i, JSON.stringify(res.body));
  }
  const fifth = await addPhoto(listing.id, host, { body: await png("#999"), name: "x.png", type: "image/png" });
  t.is(codeOf(fifth), "too_many_photos");
  t.is(fifth.body.data, null);
  const left = await traces(listing.id);
  t.is(left.rows, 4);
  t.is(left.files.length, 12);
});

test("bad uploads get REST's codes (and statuses for the body's own faults) and leave neither a row nor a file", async (t) => {
  const host = await createHost();
  const listing = await createListing(host);
  const jpeg = await jpegWithExif(600, 400);
  const gif = await sharp({ create: { width: 10, height: 10, channels: 3, background: "red" } })
    .gif()
    .toBuffer();
  const file = (body: Buffer, name = "x.jpg", type = "image/jpeg") => ({ body, name, type });
  // [name, file, same request over REST?, the code both doors give, the GraphQL HTTP status]
  const cases: [string, UploadFile | null, boolean, string, number][] = [
    ["text named .jpg", file(Buffer.from("hello, not an image")), true, "unsupported_media_type", 200],
    ["GIF", file(gif, "x.gif", "image/gif"), true, "unsupported_media_type", 200],
    ["truncated JPEG", file(jpeg.subarray(0, Math.floor(jpeg.length / 2))), true, "invalid_image", 200],
    ["bomb: 5000 × 5000 in a few kB", file(await bombPng(5000, 5000), "x.png"), true, "image_too_large", 200],
    ["bomb: a header claiming 100000 × 100000", file(pngWithHeader(100_000, 100_000)), true, "image_too_large", 200],
    [
      "over PHOTO_MAX_BYTES, read up to the cap",
      file(Buffer.alloc(PHOTO_MAX_BYTES + 20_000, 7)),
      true,
      "payload_too_large",
      413,
    ],
    ["declared far over the cap", file(Buffer.alloc(2_000_000, 7)), true, "payload_too_large", 413],
  ];
  for (const [name, upload_, viaRest, code, status] of cases) {
    const res = await addPhoto(listing.id, host, upload_);
    t.is(res.status, status, `${name}: ${JSON.stringify(res.body)}`);
    t.is(codeOf(res), code, name);
    t.false(JSON.stringify(res.body).includes("stack"), name);
    if (viaRest) {
      const rest = await upload(app().url, `/api/v1/listings/${listing.id}/photos`, {
        token: host.token,
        file: upload_,
      });
      t.is(rest.body.error.code, code, `${name} over REST`);
    }
  }
  t.is(
    (await addPhoto(listing.id, host, file(Buffer.alloc(PHOTO_MAX_BYTES + 20_000, 7)))).headers.get("connection"),
    "close",
  );

  const malformed: [string, Promise<Sent>, string][] = [
    ["no file part", addPhoto(listing.id, host, null), "validation_failed"],
    ["two files", addPhoto(listing.id, host, file(jpeg), { twice: true }), "validation_failed"],
    ["no operations", addPhoto(listing.id, host, file(jpeg), { operations: "" }), "validation_failed"],
    ["operations not JSON", addPhoto(listing.id, host, file(jpeg), { operations: "{nope" }), "validation_failed"],
    [
      "a batch of operations",
      addPhoto(listing.id, host, file(jpeg), {
        operations: JSON.stringify([{ query: ADD_PHOTO, variables: { listingId: listing.id, file: null } }]),
        map: JSON.stringify({ 0: ["0.variables.file"] }),
      }),
      "validation_failed",
    ],
    [
      "the file mapped onto a string",
      addPhoto(listing.id, host, file(jpeg), { map: JSON.stringify({ 0: ["variables.listingId"] }) }),
      "validation_failed",
    ],
    ["not the host", addPhoto(listing.id, await createGuest(), file(jpeg)), "forbidden"],
    ["another host", addPhoto(listing.id, await createHost(), file(jpeg)), "forbidden"],
    ["unknown listing", addPhoto("00000000-0000-4000-8000-000000000000", host, file(jpeg)), "not_found"],
    ["a malformed listing id", addPhoto("not-a-uuid", host, file(jpeg)), "not_found"],
  ];
  for (const [name, pending, code] of malformed) {
    const res = await pending;
    t.true(res.status < 500, `${name}: ${res.status}`);
    // One code, however many errors (a misplaced file can fail two variables at once).
    t.deepEqual(
      [...new Set(res.body.errors?.map((e: { extensions: { code: string } }) => e.extensions.code))],
      [code],
      `${name}: ${JSON.stringify(res.body)}`,
    );
  }
  const signedOut = await addPhoto(listing.id, null, file(jpeg));
  t.is(signedOut.status, 401);
  t.is(codeOf(signedOut), "unauthenticated");
  const badToken = await addPhoto(listing.id, { ...host, token: `${host.token}x` }, file(jpeg));
  t.is(badToken.status, 401);
  t.is(codeOf(badToken), "unauthenticated");

  // A file in a JSON request is no file: validation_failed, nothing read.
  const json = await gql(ADD_PHOTO, { listingId: listing.id, file: "aGVsbG8=" }, host.token);
  t.deepEqual(codesOf(json), ["validation_failed"]);

  t.deepEqual(await traces(listing.id), { rows: 0, files: [] });
  t.deepEqual(
    (await storage.list("photos/")).filter((key) => key.includes(".tmp-")),
    [],
  );
});

/**
 * POSTs a chunked multipart body (no Content-Length): `head`, then `filler` bytes up to 20 MB, one
 * chunk whenever the socket takes it, until the server answers. The answer, and how much was sent.
 */
async function streamUntilAnswered(
  token: string,
  boundary: string,
  head: Buffer,
  filler: Buffer,
): Promise<{ status: number; text: string; sent: number }> {
  let sent = 0;
  let answered = false;
  const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = httpRequest(new URL(`${app().url}/graphql`), {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": `multipart/form-data; boundary=${boundary}`,
        "transfer-encoding": "chunked",
      },
    });
    req.on("response", (res) => {
      answered = true;
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        text += chunk;
      });
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, text });
        req.destroy();
      });
    });
    // The server closing while we still write is expected once it has answered.
    req.on("error", (err) => (answered ? undefined : reject(err)));
    req.write(head);
    const pump = () => {
      while (sent < 20_000_000 && !answered && !req.destroyed) {
        sent += filler.length;
        if (!req.write(filler)) return void req.once("drain", pump);
      }
    };
    pump();
  });
  return { ...answer, sent };
}

test("a multipart body streamed without a length is cut off at the cap (413), not read to its end", async (t) => {
  const host = await createHost();
  const listing = await createListing(host);
  const boundary = "nexus-stream-boundary";
  const fields =
    `--${boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n` +
    `${JSON.stringify({ query: ADD_PHOTO, variables: { listingId: listing.id, file: null } })}\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n{"0":["variables.file"]}\r\n`;
  const filePart = `--${boundary}\r\nContent-Disposition: form-data; name="0"; filename="x.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`;
  const filler = Buffer.alloc(16 * 1024, 7);
  // A file part that never ends: busboy's file-size limit stops it at PHOTO_MAX_BYTES.
  const endlessFile = await streamUntilAnswered(host.token, boundary, Buffer.from(fields + filePart), filler);
  // Junk before the first boundary (a preamble, which the parser skips without keeping): the cap on
  // the whole body (yoga's maxRequestBodySize, MULTIPART_MAX_BYTES) stops it.
  const endlessPreamble = await streamUntilAnswered(host.token, boundary, Buffer.alloc(0), filler);
  for (const [name, answer] of Object.entries({ endlessFile, endlessPreamble })) {
    t.is(answer.status, 413, `${name}: ${answer.text}`);
    t.is(JSON.parse(answer.text).errors[0].extensions.code, "payload_too_large", name);
    t.true(answer.sent < 5_000_000, `${name}: the server answered after ${answer.sent} bytes`);
  }
  t.regex(JSON.parse(endlessFile.text).errors[0].message, /photo is over/);
  t.regex(JSON.parse(endlessPreamble.text).errors[0].message, /request is over/);
  t.deepEqual(await traces(listing.id), { rows: 0, files: [] });
});

test("JSON keeps its limits at /graphql; multipart is let through at /graphql and the REST upload path only", async (t) => {
  const host = await createHost();
  const big = await fetch(`${app().url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${host.token}` },
    body: JSON.stringify({ query: `{ me { id } } # ${"x".repeat(120 * 1024)}` }),
  });
  t.is(big.status, 413);
  t.is((await big.json()).error.code, "payload_too_large");

  // A multipart operations field as big as that is refused the same way (413 payload_too_large).
  const listing = await createListing(host);
  const padded = JSON.stringify({
    query: `${ADD_PHOTO} # ${"x".repeat(120 * 1024)}`,
    variables: { listingId: listing.id, file: null },
  });
  const res = await addPhoto(
    listing.id,
    host,
    { body: await png("#abc"), name: "x.png", type: "image/png" },
    {
      operations: padded,
    },
  );
  t.is(res.status, 413);
  t.is(codeOf(res), "payload_too_large");

  // Nested deeper than a JSON body may be: refused as JSON is.
  let deep: unknown = "x";
  for (let i = 0; i < 40; i++) deep = { deep };
  const nested = await addPhoto(
    listing.id,
    host,
    { body: await png("#abd"), name: "x.png", type: "image/png" },
    {
      operations: JSON.stringify({ query: ADD_PHOTO, variables: { listingId: listing.id, file: null, deep } }),
    },
  );
  t.is(nested.status, 400);
  t.is(codeOf(nested), "validation_failed");
  t.deepEqual(await traces(listing.id), { rows: 0, files: [] });

  // Any other path still refuses multipart.
  const form = new FormData();
  form.append("operations", "{}");
  for (const path of ["/api/v1/bookings", "/graphql/", "/api/v1/listings"]) {
    const other = await fetch(`${app().url}${path}`, {
      method: "POST",
      body: form,
      headers: { authorization: `Bearer ${host.token}` },
    });
    t.is(other.status, 415, path);
  }
});
