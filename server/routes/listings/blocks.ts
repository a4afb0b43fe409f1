import type Router from "@koa/router";
import type { RouterContext } from "@koa/router";
import { z } from "zod";
import { blockInputSchema } from "../../../shared/domain/listings/blocks.js";
import { createBlock } from "../../../shared/domain/listings/createBlock.js";
import { deleteBlock } from "../../../shared/domain/listings/deleteBlock.js";
import { listBlocks } from "../../../shared/domain/listings/listBlocks.js";
import { notFound } from "../../../shared/errors.js";
import { isUuid } from "../../../shared/ids.js";
import type { AppDeps } from "../../deps.js";
import { errorResponse, jsonBody, jsonResponse } from "../../openapi.js";
import { blockListSchema, blockResponseSchema, presentBlock } from "../../presenters/block.js";
import { idParam, idPathParams } from "../params.js";
import { bodyWith, route } from "../route.js";

const bearer = [{ bearer: [] }];
const unauthenticatedResponse = errorResponse("unauthenticated: no or bad bearer token.");
const forbiddenResponse = errorResponse("forbidden: not the listing's host nor an admin.");
const blockPathParams = z.object({ id: z.uuid(), blockId: z.uuid() });

/** The route's `:blockId`; a malformed one names no block (404, as idParam does for `:id`). */
function blockIdParam(ctx: RouterContext): string {
  const id = ctx.params.blockId;
  if (!isUuid(id)) throw notFound("block");
  return id;
}

/** A host's calendar blocks: nights kept off the market (GET, POST, DELETE /listings/:id/blocks). */
export function addListingBlockRoutes(router: Router, deps: AppDeps): void {
  route(router, deps, {
    method: "post",
    path: "/listings/:id/blocks",
    auth: "user",
    command: createBlock,
    input: (ctx) => bodyWith(ctx, { listingId: idParam(ctx, "listing") }),
    status: 201,
    present: (block) => ({ block: presentBlock(block) }),
    describe: {
      summary: "Block nights on a listing's calendar (its host or an admin)",
      description:
        "[checkIn, checkOut) like a stay: from today (UTC) on, at most 365 nights, ending at most 730 days ahead. The " +
        "nights leave availability, search and the listing.availability feed at once. A block can never overlap an " +
        "active booking (pending_approval, pending_payment, confirmed) or another block: one exclusion constraint " +
        "decides, so a block racing a booking for the same nights ends with exactly one of them; the other gets 409. " +
        "An unpaid hold that has lapsed but was not swept yet is expired first and does not stand in the way.",
      security: bearer,
      requestParams: { path: idPathParams },
      requestBody: jsonBody(blockInputSchema),
      responses: {
        201: jsonResponse("The block.", blockResponseSchema),
        400: errorResponse("validation_failed: bad dates, checkOut not after checkIn, a past checkIn, a bad note."),
        401: unauthenticatedResponse,
        403: forbiddenResponse,
        404: errorResponse("not_found: unknown listing."),
        409: errorResponse("dates_unavailable: the nights overlap an active booking or another block."),
      },
    },
  });

  route(router, deps, {
    method: "get",
    path: "/listings/:id/blocks",
    auth: "user",
    query: listBlocks,
    input: (ctx) => ({ listingId: idParam(ctx, "listing") }),
    present: (blocks) => ({ blocks: blocks.map(presentBlock) }),
    describe: {
      summary: "A listing's calendar blocks that are not over (its host or an admin)",
      description:
        "Every block whose checkOut is after today (UTC), by checkIn; not paginated (blocks never overlap and reach at " +
        "most 730 days ahead, so the list is bounded).",
      security: bearer,
      requestParams: { path: idPathParams },
      responses: {
        200: jsonResponse("The blocks.", blockListSchema),
        401: unauthenticatedResponse,
        403: forbiddenResponse,
        404: errorResponse("not_found: unknown listing."),
      },
    },
  });

  route(router, deps, {
    method: "delete",
    path: "/listings/:id/blocks/:blockId",
    auth: "user",
    command: deleteBlock,
    input: (ctx) => ({ listingId: idParam(ctx, "listing"), blockId: blockIdParam(ctx) }),
    status: 204,
    present: () => undefined,
    describe: {
      summary: "Free the nights of a calendar block (its host or an admin)",
      description: "The nights can be booked as soon as this answers.",
      security: bearer,
      requestParams: { path: blockPathParams },
      responses: {
        204: jsonResponse("Deleted."),
        401: unauthenticatedResponse,
        403: forbiddenResponse,
        404: errorResponse("not_found: unknown listing, or no such block on it."),
        409: errorResponse("block_from_feed: the block was imported from a calendar feed, which owns it."),
      },
    },
  });
}
