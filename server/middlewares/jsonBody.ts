import { bodyParser } from "@koa/bodyparser";
import type { Middleware } from "koa";
import { AppError, validationFailed } from "../../shared/errors.js";

/** Largest JSON body, in bytes (100 kB); GraphQL's multipart `operations` field has the same cap. */
export const BODY_LIMIT = 100 * 1024;
/** Deeper JSON is refused: no request of ours nests more than a few levels, and deep values overflow recursion. */
export const MAX_BODY_DEPTH = 32;
const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);
/** What the body parser can decode (single values; a chain of encodings is refused). */
const ENCODINGS = new Set(["identity", "gzip", "deflate", "br"]);

/** Whether a value nests (a JSON object or array); anything else, such as an uploaded File, is a leaf. */
const nests = (node: unknown): node is object => {
  if (!node || typeof node !== "object") return false;
  const proto = Object.getPrototypeOf(node);
  return Array.isArray(node) || proto === Object.prototype || proto === null;
};

/**
 * Nesting depth of a parsed JSON value (GraphQL multipart `operations` with their files put in),
 * measured without recursion; stops counting past `limit`.
 */
export function jsonDepth(value: unknown, limit = MAX_BODY_DEPTH): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (!nests(node)) continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > limit) return deepest;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return deepest;
}

const isDecompressionError = (err: unknown) => {
  const { code, message } = err as { code?: unknown; message?: unknown };
  return (typeof code === "string" && /^(Z_|ERR__ERROR)/.test(code)) || message === "Decompression failed";
};

/**
 * JSON only, 100 kB at most. A body of another type is 415 rather than silently ignored; the raw bytes
 * stay on ctx.request.rawBody for webhook signatures. A body is a JSON object: any other top-level
 * value is 400 validation_failed naming "(body)" (malformed JSON stays invalid_json), as is nesting
 * deeper than MAX_BODY_DEPTH. Content-Encoding other than identity/gzip/deflate/br is 415; a
 * compressed body that does not decompress is 400 invalid_json. Paths in `multipartPaths` may send
 * multipart/form-data (POST) instead, left unread here for their route's parser with its own limits
 * (photoUpload; for /graphql, yoga's multipart parser with server/graphql/upload.ts's limits).
 */
export function jsonBody(options: { multipartPaths?: RegExp[] } = {}): Middleware {
  const parse = bodyParser({ enableTypes: ["json"], jsonLimit: BODY_LIMIT, encoding: "utf-8", jsonStrict: false });
  return async (ctx, next) => {
    const takesBody = BODY_METHODS.has(ctx.method);
    const hasBody = Number(ctx.get("content-length") || 0) > 0 || ctx.get("transfer-encoding") !== "";
    // A route that takes multipart (a photo upload) parses its own body, with its own limits.
    const multipart = ctx.method === "POST" && ctx.is("multipart/form-data");
    if (multipart && options.multipartPaths?.some((path) => path.test(ctx.path))) {
      return next();
    }
    if (takesBody && hasBody) {
      if (!ctx.is("application/json", "application/*+json")) {
        throw new AppError("unsupported_media_type", 415, "Send the body as application/json.");
      }
      const encoding = (ctx.get("content-encoding") || "identity").trim().toLowerCase();
      if (!ENCODINGS.has(encoding)) {
        throw new AppError(
          "unsupported_media_type",
          415,
          "Content-Encoding must be one of identity, gzip, deflate or br (a single one).",
        );
      }
    }
    try {
      await parse(ctx, async () => {});
    } catch (err) {
      if (!isDecompressionError(err)) throw err;
      throw new AppError("invalid_json", 400, "The request body could not be decompressed (Content-Encoding).");
    }
    if (takesBody) {
      const raw = (ctx.request as { rawBody?: string }).rawBody ?? "";
      const body = ctx.request.body as unknown;
      if (raw.trim() === "") ctx.request.body = {};
      else if (typeof body !== "object" || body === null || Array.isArray(body)) {
        throw validationFailed([{ path: "(body)", message: "must be a JSON object" }]);
      } else if (jsonDepth(body) > MAX_BODY_DEPTH) {
        throw validationFailed([{ path: "(body)", message: `must not nest deeper than ${MAX_BODY_DEPTH} levels` }]);
      }
    }
    await next();
  };
}
