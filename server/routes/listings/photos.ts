import type Router from "@koa/router";
import type { RouterContext } from "@koa/router";
import { z } from "zod";
import { config } from "../../../shared/config.js";
import { photoViewSchema } from "../../../shared/domain/listings/photoView.js";
import { addPhoto } from "../../../shared/domain/photos/addPhoto.js";
import { deletePhoto } from "../../../shared/domain/photos/deletePhoto.js";
import { reorderPhotos, reorderPhotosBody } from "../../../shared/domain/photos/reorderPhotos.js";
import { notFound } from "../../../shared/errors.js";
import { isUuid } from "../../../shared/ids.js";
import type { AppDeps } from "../../deps.js";
import { PHOTO_FIELD, photoUpload, uploadedFile } from "../../middlewares/photoUpload.js";
import { errorResponse, jsonBody, jsonResponse } from "../../openapi.js";
import { idParam, idPathParams } from "../params.js";
import { bodyWith, route } from "../route.js";

const bearer = [{ bearer: [] }];
const unauthenticatedResponse = errorResponse("unauthenticated: no or bad bearer token.");
const forbiddenResponse = errorResponse("forbidden: not the listing's host nor an admin.");
const photoPathParams = z.object({ id: z.uuid(), photoId: z.uuid() });
const photoResponse = z.object({ photo: photoViewSchema });
const photosResponse = z.object({ photos: z.array(photoViewSchema) });

function photoIdParam(ctx: RouterContext): string {
  const id = ctx.params.photoId;
  if (!isUuid(id)) throw notFound("photo");
  return id;
}

/** A listing's photos: upload (multipart), reorder, delete (its host or an admin). */
export function addListingPhotoRoutes(router: Router, deps: AppDeps): void {
  route(router, deps, {
    method: "post",
    path: "/listings/:id/photos",
    auth: "user",
    use: [photoUpload()],
    command: addPhoto,
    input: (ctx) => ({ listingId: idParam(ctx, "listing"), file: uploadedFile(ctx) }),
    status: 201,
    present: (photo) => ({ photo: { ...photo, urls: { ...photo.urls } } }),
    describe: {
      summary: "Add a photo to a listing (its host or an admin)",
      description:
        `multipart/form-data with the image in the field ${PHOTO_FIELD}: JPEG, PNG or WebP (told by its bytes, not its ` +
        `name or declared type), at most ${config.PHOTO_MAX_BYTES} bytes and ${config.PHOTO_MAX_PIXELS} pixels. ` +
        "It is decoded and re-encoded (EXIF, GPS and every other metadata dropped; the EXIF orientation applied) in " +
        "three sizes, WebP, stored under content-hashed names and served with a year's cache. It goes last in the " +
        `listing's order; a listing has at most ${config.PHOTO_MAX_PER_LISTING}. A refused upload stores nothing.`,
      security: bearer,
      requestParams: { path: idPathParams },
      requestBody: {
        required: true,
        content: {
          "multipart/form-data": {
            schema: z.object({ [PHOTO_FIELD]: z.string().meta({ format: "binary" }) }),
          },
        },
      },
      responses: {
        201: jsonResponse("The photo, with its three sizes' URLs.", photoResponse),
        400: errorResponse(
          "validation_failed: no file in the field photo, or other parts; image_too_large: over the pixel cap (a " +
            "decompression bomb); invalid_image: the image does not decode; invalid_multipart: a malformed body.",
        ),
        401: unauthenticatedResponse,
        403: forbiddenResponse,
        404: errorResponse("not_found: unknown listing."),
        409: errorResponse("too_many_photos: the listing has the most photos allowed."),
        413: errorResponse("payload_too_large: the file is over PHOTO_MAX_BYTES."),
        415: errorResponse("unsupported_media_type: not multipart/form-data, or the file is not a JPEG, PNG or WebP."),
      },
    },
  });

  route(router, deps, {
    method: "put",
    path: "/listings/:id/photos",
    auth: "user",
    command: reorderPhotos,
    input: (ctx) => bodyWith(ctx, { listingId: idParam(ctx, "listing") }),
    present: (photos) => ({ photos: photos.map((p) => ({ ...p, urls: { ...p.urls } })) }),
    describe: {
      summary: "Put a listing's photos in a new order (its host or an admin)",
      description: "photoIds lists every photo of the listing once; the first is the cover search shows.",
      security: bearer,
      requestParams: { path: idPathParams },
      requestBody: jsonBody(reorderPhotosBody),
      responses: {
        200: jsonResponse("The photos in their new order.", photosResponse),
        400: errorResponse("validation_failed: photoIds is not exactly the listing's photos, each once."),
        401: unauthenticatedResponse,
        403: forbiddenResponse,
        404: errorResponse("not_found: unknown listing."),
      },
    },
  });

  route(router, deps, {
    method: "delete",
    path: "/listings/:id/photos/:photoId",
    auth: "user",
    command: deletePhoto,
    input: (ctx) => ({ listingId: idParam(ctx, "listing"), photoId: photoIdParam(ctx) }),
    status: 204,
    present: () => undefined,
    describe: {
      summary: "Delete a listing's photo and every size of it (its host or an admin)",
      security: bearer,
      requestParams: { path: photoPathParams },
      responses: {
        204: jsonResponse("Deleted; the photos after it moved up one."),
        401: unauthenticatedResponse,
        403: forbiddenResponse,
        404: errorResponse("not_found: unknown listing, or no such photo on it."),
      },
    },
  });
}
