import { crc32, deflateSync } from "node:zlib";
import sharp from "sharp";

/** A JPEG of w × h pixels (stripes of colour) with EXIF (an artist, orientation 6: shown turned 90°). */
export async function jpegWithExif(width: number, height: number): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (Math.floor(i / 3 / width / 40) * 53 + (i % 3) * 80) % 256;
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 80 })
    .withMetadata({ orientation: 6 })
    .withExif({ IFD0: { Artist: "A guest who did not mean to share this", Copyright: "GPS 9.0108 N 38.7613 E" } })
    .toBuffer();
}

/** A real decompression bomb: a PNG of width × height pixels of one colour, a few kB on disk. */
export function bombPng(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: "#fff" } })
    .png({ compressionLevel: 9, palette: true, colours: 2 })
    .toBuffer();
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A well-formed PNG header claiming width × height, with almost no pixel data after it. */
export function pngWithHeader(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(Buffer.alloc(1024))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

export interface UploadFile {
  body: Buffer;
  name: string;
  type: string;
  /** The multipart field (photo unless given). */
  field?: string;
}

/** POSTs a multipart/form-data upload over real HTTP; `file` null sends a form with only a text field. */
export async function upload(
  baseUrl: string,
  path: string,
  options: { token?: string; file: UploadFile | null; twice?: boolean },
): Promise<{ status: number; body: any; headers: Headers }> {
  const form = new FormData();
  if (options.file) {
    const { body, name, type, field = "photo" } = options.file;
    const blob = new Blob([new Uint8Array(body)], { type });
    form.append(field, blob, name);
    if (options.twice) form.append(field, blob, name);
  } else {
    form.append("note", "no file here");
  }
  return postForm(`${baseUrl}${path}`, form, options.token);
}

/** POSTs a multipart form over real HTTP; the answer's body parsed as JSON, or kept as text when it is not. */
export async function postForm(
  url: string,
  form: FormData,
  token?: string,
): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(url, {
    method: "POST",
    body: form,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: kept as text for the assertion message
  }
  return { status: res.status, body, headers: res.headers };
}
