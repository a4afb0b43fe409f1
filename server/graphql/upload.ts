import { createFetch } from "@whatwg-node/fetch";
import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Context } from "koa";
import { config } from "../../shared/config.js";
import { execute } from "../../shared/domain/commands/execute.js";
import { addPhoto } from "../../shared/domain/photos/addPhoto.js";
import { AppError, badRequest, unauthenticated, validationFailed } from "../../shared/errors.js";
import { BODY_LIMIT, jsonDepth, MAX_BODY_DEPTH } from "../middlewares/jsonBody.js";
import { photoTooLarge } from "../middlewares/photoUpload.js";
import { actorOf, builder } from "./builder.js";
import { maskError } from "./errors.js";
import { isSubscription, subscriptionsOverWsError } from "./httpSubscriptions.js";
import { guid } from "./mutations.js";
import { Photo } from "./types.js";

/*
 * Photo uploads over GraphQL: the GraphQL multipart request spec (`operations`, `map`, one file part),
 * parsed by yoga itself (its File scalar values), with REST's limits (photoUpload.ts) and its codes.
 * Only POST /graphql may send multipart (app.ts's jsonBody lets it through); JSON requests keep
 * jsonBody's 100 kB and depth limits, and a multipart request's `operations` has the same ones.
 */

/** What app.ts's jsonBody lets through unread as multipart/form-data, besides the REST upload path. */
export const GRAPHQL_MULTIPART_PATH = /^\/graphql$/;

/** Part headers and boundaries besides the file and the two JSON fields. */
const OVERHEAD_BYTES = 64 * 1024;
/** A multipart request is at most the photo, `operations` and `map` (each at most BODY_LIMIT), and overhead. */
export const MULTIPART_MAX_BYTES = config.PHOTO_MAX_BYTES + 2 * BODY_LIMIT + OVERHEAD_BYTES;

/**
 * yoga's fetch API with busboy's limits on multipart bodies: one file of PHOTO_MAX_BYTES at most (the
 * parser stops reading at the cap, so an oversized file is never held whole), `operations` and `map`
 * no bigger than a JSON body, nothing else.
 */
export const uploadFetchApi = () =>
  createFetch({
    formDataLimits: {
      fileSize: config.PHOTO_MAX_BYTES,
      files: 1,
      fields: 2,
      parts: 3,
      fieldSize: BODY_LIMIT,
      fieldNameSize: 100,
      headerSize: 8 * 1024,
    },
  });

const asGraphqlError = (error: AppError, headers?: Record<string, string>) =>
  new GraphQLError(error.message, {
    extensions: {
      code: error.code,
      ...(error.details.length ? { details: error.details } : {}),
      http: { status: error.status, ...(headers ? { headers } : {}) },
    },
  });

/** Stops reading the rest of a body we refuse (REST's photoUpload does the same). */
const CLOSE = { Connection: "close" };

const multipartShape = () =>
  validationFailed([
    { path: "(multipart)", message: "send the fields operations and map, then one file (the multipart request spec)" },
  ]);

/** The API error a failure of yoga's multipart parser stands for (REST's code for the same upload). */
function uploadErrorOf(err: unknown): GraphQLError | null {
  const message = err instanceof Error ? err.message : "";
  // The messages are @whatwg-node/node-fetch's (busboy's limits) and yoga's (its body-size limit, its
  // checks of operations and map): the only way they tell what went wrong.
  if (/File size limit exceeded/.test(message)) return asGraphqlError(photoTooLarge(), CLOSE);
  if (/Request body too large/.test(message)) {
    return asGraphqlError(
      new AppError("payload_too_large", 413, `The request is over ${MULTIPART_MAX_BYTES} bytes.`),
      CLOSE,
    );
  }
  if (/Field value size exceeded/.test(message)) {
    return asGraphqlError(
      new AppError("payload_too_large", 413, `The operations and map fields are ${BODY_LIMIT} bytes at most each.`),
      CLOSE,
    );
  }
  if (/(Files|Fields|Parts) limit exceeded|Field name size exceeded/.test(message))
    return asGraphqlError(multipartShape());
  const field = /Missing multipart form field "(\w+)"|form field "(\w+)" must be/.exec(message);
  if (field) return asGraphqlError(validationFailed([{ path: field[1] ?? field[2], message }]));
  if (/invalid multipart data/.test(message))
    return asGraphqlError(badRequest("invalid_multipart", "The multipart/form-data body is malformed."));
  return null;
}

const isMultipart = (request: Request) =>
  request.method === "POST" && (request.headers.get("content-type") ?? "").toLowerCase().startsWith("multipart/");

/**
 * Wraps yoga's multipart parser: its failures become REST's errors (413 payload_too_large, 400
 * validation_failed or invalid_multipart), and its result is held to jsonBody's rules (one
 * operation as a JSON object, at most MAX_BODY_DEPTH deep).
 */
export function uploadLimits(): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser }) {
      if (!requestParser || !isMultipart(request)) return;
      const parse = requestParser;
      setRequestParser(async (req) => {
        let params: Awaited<ReturnType<typeof parse>>;
        try {
          params = await parse(req);
        } catch (err) {
          throw uploadErrorOf(err) ?? err;
        }
        if (!params || typeof params !== "object" || Array.isArray(params))
          throw asGraphqlError(validationFailed([{ path: "operations", message: "must be a JSON object" }]));
        if (
          isSubscription((params as { query?: unknown }).query, (params as { operationName?: unknown }).operationName)
        )
          throw subscriptionsOverWsError();
        if (jsonDepth(params) > MAX_BODY_DEPTH) {
          throw asGraphqlError(
            validationFailed([{ path: "operations", message: `must not nest deeper than ${MAX_BODY_DEPTH} levels` }]),
          );
        }
        return params;
      });
    },
  };
}

/**
 * A multipart request refused before its body is read, answered in GraphQL's shape: one declared
 * over MULTIPART_MAX_BYTES (413), or one without a valid bearer token (401: an upload needs a user,
 * as REST's requireUser runs before photoUpload reads). True when it answered.
 */
export function refuseUploadEarly(ctx: Context, auth: { actor: unknown; authError: AppError | null }): boolean {
  if (!(ctx.method === "POST" && ctx.is("multipart/form-data"))) return false;
  let refusal: AppError | null = null;
  if (Number(ctx.get("content-length") || 0) > MULTIPART_MAX_BYTES) refusal = photoTooLarge();
  else if (!auth.actor) {
    refusal = auth.authError ?? unauthenticated("A valid bearer token is required to upload.");
  }
  if (!refusal) return false;
  ctx.set("Connection", "close");
  ctx.status = refusal.status;
  ctx.type = "application/json";
  ctx.body = JSON.stringify({ errors: [maskError(refusal)] });
  return true;
}

const fileRequired = (message: string) =>
  new GraphQLError(message, {
    extensions: { code: "validation_failed", details: [{ path: "file", message }] },
  });

const isFile = (value: unknown): value is File =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as Blob).arrayBuffer === "function" &&
  typeof (value as Blob).size === "number";

builder.scalarType("File", {
  description:
    "A file part of a multipart/form-data request (the GraphQL multipart request spec: fields operations and " +
    "map, then the file). Input only.",
  serialize: () => {
    throw new Error("File is an input type only");
  },
  parseValue: (value) => {
    if (isFile(value)) return value;
    throw fileRequired("must be a file part of a multipart/form-data request (the GraphQL multipart request spec)");
  },
  parseLiteral: () => {
    throw fileRequired("a file cannot be written in the query: send it as a multipart part, mapped to a variable");
  },
});

builder.mutationField("addPhoto", (t) =>
  t.field({
    type: Photo,
    description:
      "As POST /listings/{id}/photos (its host or an admin), as a multipart request: JPEG, PNG or WebP (told by " +
      "its bytes), at most PHOTO_MAX_BYTES and PHOTO_MAX_PIXELS; re-encoded without metadata in three sizes, last " +
      "in the listing's order. A refused upload stores nothing. Codes as REST's: payload_too_large, " +
      "unsupported_media_type, image_too_large, invalid_image, too_many_photos, forbidden, not_found.",
    args: {
      listingId: t.arg.id({ required: true }),
      file: t.arg({ type: "File", required: true }),
    },
    resolve: async (_root, { listingId, file }, ctx) => {
      const actor = actorOf(ctx);
      const id = guid(listingId, "listing");
      // busboy stopped at the cap already (uploadFetchApi); a File that came in by another way must not pass.
      if (file.size > config.PHOTO_MAX_BYTES) throw photoTooLarge();
      const bytes = Buffer.from(await file.arrayBuffer());
      return execute(addPhoto, { actor, input: { listingId: id, file: bytes } }, ctx.deps);
    },
  }),
);
