import { getMe } from "../../shared/domain/accounts/findUser.js";
import { getBooking, listBookings } from "../../shared/domain/bookings/listBookings.js";
import type { BookingStatus as BookingStatusValue } from "../../shared/domain/bookings/status.js";
import { query } from "../../shared/domain/commands/execute.js";
import { getListing } from "../../shared/domain/listings/getListing.js";
import { SEARCH_SORTS } from "../../shared/domain/listings/schemas.js";
import { searchListingsCached } from "../../shared/domain/listings/searchListingsCached.js";
import { listNotifications } from "../../shared/domain/notifications/notifications.js";
import { notFound } from "../../shared/errors.js";
import type { EventEnvelope } from "../../shared/events/eventMap.js";
import { isUuid } from "../../shared/ids.js";
import type { Page } from "../../shared/pagination.js";
import type { AppDeps } from "../deps.js";
import { presentBooking } from "../presenters/booking.js";
import { type ListingJson, presentListing } from "../presenters/listing.js";
import { presentUser } from "../presenters/user.js";
import { renderSearchPage } from "../routes/listings/search.js";
import { actorOf, builder } from "./builder.js";
import { connectionOf, pageArgs, pageComplexity, toConnection } from "./connection.js";
import { Booking, BookingStatus, definedOnly, Event, Listing, User } from "./types.js";

const ListingConnection = connectionOf("Listing", Listing);
const BookingConnection = connectionOf("Booking", Booking);

const ListingSort = builder.enumType("ListingSort", { values: SEARCH_SORTS as unknown as string[] });
const BookingRole = builder.enumType("BookingRole", {
  values: { GUEST: { value: "guest" }, HOST: { value: "host" } } as const,
  description: "GUEST: bookings you made; HOST: bookings on your listings.",
});

/** Every filter of GET /listings; the same zod schema (searchQuerySchema) parses them. */
const ListingFilter = builder.inputType("ListingFilter", {
  fields: (t) => ({
    q: t.string(),
    city: t.string(),
    country: t.string(),
    minPrice: t.int(),
    maxPrice: t.int(),
    guests: t.int(),
    checkIn: t.string({ description: "With checkOut: only listings free from this night (YYYY-MM-DD)." }),
    checkOut: t.string(),
    lat: t.float(),
    lng: t.float(),
    radiusKm: t.float(),
    bbox: t.string({ description: "minLng,minLat,maxLng,maxLat" }),
    sort: t.field({ type: ListingSort }),
  }),
});

/** An unknown or malformed id is not_found, as on REST (a malformed id names no row). */
const idOrNotFound = (id: string, what: string) => {
  if (!isUuid(id)) throw notFound(what);
  return id;
};

/**
 * The filter as the REST query string carries it: numbers as text. One schema parses both doors, so
 * every rule and every error detail ("checkOut: must be after checkIn") is REST's.
 */
function asQueryString(values: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(definedOnly(values)).map(([k, v]) => [k, String(v)]));
}

/** The search page (REST's cached bytes) for the `listings` field's arguments: one cache, both doors. */
export async function searchPageOf(
  deps: AppDeps,
  args: { filter?: Record<string, unknown> | null; first?: number | null; after?: string | null },
): Promise<Buffer | string> {
  const input = { ...asQueryString({ ...(args.filter ?? {}) }), ...pageArgs(args) };
  const { body } = await query(searchListingsCached, { actor: null, input }, { ...deps, renderSearchPage });
  return body;
}

/** Connections of cached search bodies, by body: a stash hit answers with the very same Buffer. */
const searchConnections = new WeakMap<Buffer, ReturnType<typeof toConnection<ListingJson>>>();

/**
 * The connection of a cached search page (REST's bytes, renderSearchPage). A body the process's stash
 * served again is the same Buffer, so it is parsed once, not once per request; the result is frozen,
 * as every request that reads it shares it.
 */
function searchConnection(body: string | Buffer) {
  const cached = typeof body === "string" ? undefined : searchConnections.get(body);
  if (cached) return cached;
  const page = JSON.parse(typeof body === "string" ? body : body.toString("utf8")) as Page<ListingJson>;
  const connection = deepFreeze(toConnection(page, (l) => l));
  if (typeof body !== "string") searchConnections.set(body, connection);
  return connection;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

builder.queryFields((t) => ({
  me: t.field({
    type: User,
    resolve: async (_root, _args, ctx) => presentUser(await query(getMe, { actor: actorOf(ctx), input: {} }, ctx.deps)),
  }),
  listing: t.field({
    type: Listing,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const listingId = idOrNotFound(String(args.id), "listing");
      return presentListing(await query(getListing, { actor: null, input: { listingId } }, ctx.deps));
    },
  }),
  listings: t.field({
    type: ListingConnection,
    description: "Search, as GET /listings (the same filters, order, cursors and cache).",
    args: { filter: t.arg({ type: ListingFilter }), first: t.arg.int(), after: t.arg.string() },
    complexity: pageComplexity,
    resolve: async (_root, args, ctx) => {
      // Read already when the query is search-only (http.ts read it for its kept answer).
      const body = ctx.searchPage ?? (await searchPageOf(ctx.deps, args));
      ctx.searchPage = body;
      return searchConnection(body);
    },
  }),
  booking: t.field({
    type: Booking,
    nullable: true,
    description: "Its guest, its listing's host or an admin; anyone else gets null and not_found.",
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const actor = actorOf(ctx);
      const bookingId = idOrNotFound(String(args.id), "booking");
      return presentBooking(await query(getBooking, { actor, input: { bookingId } }, ctx.deps));
    },
  }),
  bookings: t.field({
    type: BookingConnection,
    description: "Your bookings, newest first, as GET /bookings.",
    args: {
      as: t.arg({ type: BookingRole }),
      status: t.arg({ type: BookingStatus }),
      first: t.arg.int(),
      after: t.arg.string(),
    },
    complexity: pageComplexity,
    resolve: async (_root, args, ctx) => {
      const input = {
        ...definedOnly({ as: args.as, status: args.status as BookingStatusValue | null | undefined }),
        ...pageArgs(args),
      };
      const page = await query(listBookings, { actor: actorOf(ctx), input }, ctx.deps);
      return toConnection(page, presentBooking);
    },
  }),
  notifications: t.field({
    type: builder
      .objectRef<{ page: Awaited<ReturnType<typeof listNotificationsPage>> }>("NotificationConnection")
      .implement({
        description: "Your events, oldest first, with the unread count (GET /notifications).",
        fields: (f) => ({
          edges: f.field({
            type: [
              builder.objectRef<{ cursor: string; node: EventEnvelope }>("NotificationEdge").implement({
                fields: (e) => ({
                  cursor: e.exposeString("cursor", { description: "The event id: pass as `after`." }),
                  node: e.field({ type: Event, resolve: (edge) => edge.node }),
                }),
              }),
            ],
            resolve: ({ page }) => page.data.map((node) => ({ cursor: String(node.id), node })),
          }),
          pageInfo: f.field({
            type: "PageInfo" as never,
            resolve: ({ page }) => ({ hasNextPage: page.nextCursor !== null, endCursor: page.nextCursor }) as never,
          }),
          unread: f.int({ resolve: ({ page }) => page.unread }),
        }),
      }),
    args: { after: t.arg.id(), first: t.arg.int() },
    complexity: pageComplexity,
    resolve: async (_root, args, ctx) => ({ page: await listNotificationsPage(ctx, args) }),
  }),
}));

function listNotificationsPage(
  ctx: Parameters<typeof actorOf>[0],
  args: { after?: string | number | null; first?: number | null },
) {
  const input = definedOnly({
    after: args.after == null ? undefined : String(args.after),
    limit: args.first == null ? undefined : String(args.first),
  });
  return query(listNotifications, { actor: actorOf(ctx), input }, ctx.deps);
}
