import multer from "@koa/multer";
import type { Middleware } from "koa";
import { config } from "../../shared/config.js";
import { AppError, badRequest, validationFailed } from "../../shared/errors.js";

/** The multipart field that carries the photo. */
export const PHOTO_FIELD = "photo";

/** A request to upload a photo (jsonBody lets its multipart body through to this parser). */
export const PHOTO_UPLOAD_PATH = /^\/api\/v1\/listings\/[^/]+\/photos$/;

/** Parts besides the file and multipart header overhead a well-formed upload may carry. */
const OVERHEAD_BYTES = 64 * 1024;

export const photoTooLarge = () =>
  new AppError("payload_too_large", 413, `The photo is over ${config.PHOTO_MAX_BYTES} bytes (PHOTO_MAX_BYTES).`);

/**
 * multipart/form-data with one file in the field `photo`, kept in memory, PHOTO_MAX_BYTES at most:
 * the parser (multer, through @koa/multer) stops at the cap, so an oversized upload is never held
 * whole (413 payload_too_large). A body declared far over the cap is refused before it is read.
 * Not multipart: 415. No file, another field name, or a second file: 400. The file's declared type
 * and name are not trusted (encodePhoto reads the bytes).
 */
export function photoUpload(): Middleware {
  const parse = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: config.PHOTO_MAX_BYTES, files: 1, fields: 4, fieldSize: 1024, parts: 5, headerPairs: 50 },
  }).single(PHOTO_FIELD);
  return async (ctx, next) => {
    if (!ctx.is("multipart/form-data")) {
      throw new AppError(
        "unsupported_media_type",
        415,
        `Send the photo as multipart/form-data, in a field named ${PHOTO_FIELD}.`,
      );
    }
    const declared = Number(ctx.get("content-length") || 0);
    if (declared > config.PHOTO_MAX_BYTES + OVERHEAD_BYTES) {
      ctx.set("Connection", "close");
      throw photoTooLarge();
    }
    try {
      await parse(ctx, async () => {});
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === "LIMIT_FILE_SIZE") {
        ctx.set("Connection", "close");
        throw photoTooLarge();
      }
      if (typeof code === "string" && code.startsWith("LIMIT_")) {
        throw validationFailed([
          { path: PHOTO_FIELD, message: `send one file in the field ${PHOTO_FIELD}, and nothing else` },
        ]);
      }
      throw badRequest("invalid_multipart", "The multipart/form-data body is malformed.");
    }
    const file = (ctx as unknown as { file?: { buffer: Buffer } }).file;
    if (!file?.buffer)
      throw validationFailed([{ path: PHOTO_FIELD, message: "is required: a JPEG, PNG or WebP file" }]);
    await next();
  };
}

/** The uploaded file's bytes (after photoUpload). */
export const uploadedFile = (ctx: unknown): Buffer => (ctx as { file: { buffer: Buffer } }).file.buffer;
