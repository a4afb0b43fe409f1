import type { Context as KoaContext, Middleware } from "koa";
import { authenticateUser, invalidCredentials } from "../../shared/domain/accounts/authenticateUser.js";
import { registerInput, registerUser } from "../../shared/domain/accounts/registerUser.js";
import { logout } from "../../shared/domain/accounts/tokenVersions.js";
import { acceptBooking } from "../../shared/domain/bookings/acceptBooking.js";
import { cancelBooking } from "../../shared/domain/bookings/cancelBooking.js";
import { createBooking } from "../../shared/domain/bookings/createBooking.js";
import { declineBooking } from "../../shared/domain/bookings/declineBooking.js";
import { createBookingInput } from "../../shared/domain/bookings/stayInput.js";
import { addFeed } from "../../shared/domain/calendars/addFeed.js";
import { feedInputSchema } from "../../shared/domain/calendars/feeds.js";
import { removeFeed } from "../../shared/domain/calendars/removeFeed.js";
import { rotateExportToken } from "../../shared/domain/calendars/rotateExportToken.js";
import { syncFeedNow } from "../../shared/domain/calendars/syncFeedNow.js";
import { execute, query } from "../../shared/domain/commands/execute.js";
import { requestHash } from "../../shared/domain/idempotency/keys.js";
import { archiveListing } from "../../shared/domain/listings/archiveListing.js";
import { blockInputSchema } from "../../shared/domain/listings/blocks.js";
import { createBlock } from "../../shared/domain/listings/createBlock.js";
import { createListing } from "../../shared/domain/listings/createListing.js";
import { deleteBlock } from "../../shared/domain/listings/deleteBlock.js";
import { getListing } from "../../shared/domain/listings/getListing.js";
import { listingInputSchema, listingPatchSchema } from "../../shared/domain/listings/schemas.js";
import { updateListing } from "../../shared/domain/listings/updateListing.js";
import { postMessage } from "../../shared/domain/messages/postMessage.js";
import { markNotificationsRead } from "../../shared/domain/notifications/notifications.js";
import { startPayment } from "../../shared/domain/payments/startPayment.js";
import { deletePhoto } from "../../shared/domain/photos/deletePhoto.js";
import { reorderPhotos, reorderPhotosBody } from "../../shared/domain/photos/reorderPhotos.js";
import { createReview } from "../../shared/domain/reviews/createReview.js";
import { reviewInputSchema } from "../../shared/domain/reviews/schemas.js";
import { AppError, notFound } from "../../shared/errors.js";
import { isUuid } from "../../shared/ids.js";
import { chapaFromConfig } from "../../shared/payments/chapa/fromConfig.js";
import { parseIdempotencyKey, runOnceForKey } from "../middlewares/idempotency.js";
import { presentBlock } from "../presenters/block.js";
import { presentBooking } from "../presenters/booking.js";
import { presentFeed } from "../presenters/calendar.js";
import { presentListing } from "../presenters/listing.js";
import { presentMessage } from "../presenters/message.js";
import { presentPayment } from "../presenters/payment.js";
import { presentReview } from "../presenters/review.js";
import { session } from "../routes/accounts/auth.js";
import { loginBody } from "../routes/accounts/schemas.js";
import { auditLogin, sharedLimits } from "../routes/limits.js";
import { parse } from "../validate.js";
import { actorOf, builder, type GraphqlContext } from "./builder.js";
import { Booking, CalendarBlock, CalendarFeed, Listing, Message, Payment, Review, User } from "./types.js";

/*
 * Every mutation runs the command its REST route runs (shared/domain), through the same door
 * (execute), behind the same rate limits (server/routes/limits.ts) and the same Idempotency-Key rule
 * (runOnceForKey). Inputs are parsed by the REST bodies' zod schemas (the zod plugin), so a bad field
 * is 400 validation_failed with REST's details.
 */

/** The HTTP request a mutation came in (mutations go over HTTP only: see subscriptions.ts). */
function httpOf(ctx: GraphqlContext): KoaContext {
  if (!ctx.http) throw new AppError("bad_request", 400, "Send queries and mutations over HTTP POST /graphql.");
  return ctx.http;
}

/**
 * Runs one of the REST rate limits (a Koa middleware) for this mutation. Its key functions read
 * `ip`, `state.user` and `request.body`: the request's IP and user, and the mutation's input as body.
 */
async function limit(ctx: GraphqlContext, middleware: Middleware, body: unknown = {}): Promise<void> {
  const http = httpOf(ctx);
  const subject = {
    ip: http.ip,
    get: (name: string) => http.get(name),
    state: { ...http.state, user: ctx.actor ?? undefined },
    request: { body },
  };
  await middleware(subject as unknown as KoaContext, async () => {});
}

/** An id argument that is a UUID, else REST's 404 for a malformed path id. */
export const guid = (id: string | number, what: string): string => {
  const value = String(id);
  if (!isUuid(value)) throw notFound(what);
  return value;
};

/**
 * The REST route's Idempotency-Key rule for a mutation: the same scope and the same request hash as
 * the route (method, path, body), so a key is one key whichever door it came through. The stored
 * response is REST's (status and body); a replayed error is thrown again as the same AppError.
 */
async function idempotently<T>(
  ctx: GraphqlContext,
  scope: string,
  key: string | null | undefined,
  request: { path: string; body: unknown },
  run: () => Promise<{ status: number; body: Record<string, unknown> }>,
  pick: (body: Record<string, unknown>) => T,
): Promise<T> {
  if (key === null || key === undefined) return pick((await run()).body);
  const actor = actorOf(ctx);
  const ref = { userId: actor.id, scope, key: parseIdempotencyKey(key, "idempotencyKey") };
  const hash = requestHash("POST", request.path, request.body);
  const { response } = await runOnceForKey(ctx.deps.orm, ref, hash, run, ctx.http?.state.log);
  const body = response.body as Record<string, unknown>;
  if (response.status >= 400) {
    const error = (body as { error: { code: string; message: string; details?: [] } }).error;
    throw new AppError(error.code, response.status, error.message, error.details ?? []);
  }
  return pick(body);
}

const AuthPayload = builder.objectRef<ReturnType<typeof session>>("AuthPayload").implement({
  fields: (t) => ({
    user: t.field({ type: User, resolve: (s) => s.user }),
    token: t.exposeString("token", { description: "Bearer token (JWT): `Authorization: Bearer <token>`." }),
  }),
});

const ReadMark = builder.objectRef<{ readUpTo: number; unread: number }>("ReadMark").implement({
  fields: (t) => ({ readUpTo: t.exposeInt("readUpTo"), unread: t.exposeInt("unread") }),
});

const RegisterInput = builder.inputType("RegisterInput", {
  fields: (t) => ({
    email: t.string({ required: true }),
    password: t.string({ required: true }),
    name: t.string({ required: true }),
    role: t.string({ description: '"guest" (default) or "host"' }),
  }),
});
const LoginInput = builder.inputType("LoginInput", {
  fields: (t) => ({ email: t.string({ required: true }), password: t.string({ required: true }) }),
});

const PriceOverrideInput = builder.inputType("PriceOverrideInput", {
  fields: (t) => ({
    from: t.string({ required: true, description: "The first night it prices (YYYY-MM-DD)." }),
    to: t.string({ required: true, description: "The day after its last night." }),
    pricePerNight: t.int({ required: true }),
    label: t.string(),
  }),
});
const PricingRulesInput = builder.inputType("PricingRulesInput", {
  description:
    "The whole price-rules document (REST `pricing`): it replaces the stored one; absent fields take their defaults.",
  fields: (t) => ({
    weekendPrice: t.int(),
    cleaningFee: t.int(),
    includedGuests: t.int(),
    extraGuestFee: t.int(),
    weeklyDiscountPercent: t.int(),
    monthlyDiscountPercent: t.int(),
    overrides: t.field({ type: [PriceOverrideInput] }),
  }),
});

const listingFields = (required: boolean) => (t: Parameters<Parameters<typeof builder.inputType>[1]["fields"]>[0]) => ({
  title: t.string({ required }),
  description: t.string({ required }),
  city: t.string({ required }),
  country: t.string({ required }),
  pricePerNight: t.int({ required }),
  currency: t.string({ required }),
  maxGuests: t.int({ required }),
  cancellationPolicy: t.string(),
  bookingMode: t.string(),
  minNights: t.int(),
  maxNights: t.int(),
  timeZone: t.string(),
  latitude: t.float(),
  longitude: t.float(),
  pricing: t.field({ type: PricingRulesInput }),
});
const CreateListingInput = builder.inputType("CreateListingInput", { fields: listingFields(true) });
const UpdateListingInput = builder.inputType("UpdateListingInput", { fields: listingFields(false) });
const CreateBookingInput = builder.inputType("CreateBookingInput", {
  fields: (t) => ({
    listingId: t.id({ required: true }),
    checkIn: t.string({ required: true, description: "YYYY-MM-DD" }),
    checkOut: t.string({ required: true, description: "YYYY-MM-DD" }),
    guests: t.int({ required: true }),
    quoteToken: t.string({
      description: "The quoteToken of Listing.quote for this very stay: the booking keeps that quote's price.",
    }),
  }),
});
const BlockInput = builder.inputType("BlockInput", {
  fields: (t) => ({
    checkIn: t.string({ required: true, description: "YYYY-MM-DD" }),
    checkOut: t.string({ required: true, description: "YYYY-MM-DD" }),
    note: t.string({ description: "For the host only (never shown to guests)." }),
  }),
});
const CalendarFeedInput = builder.inputType("CalendarFeedInput", {
  fields: (t) => ({
    name: t.string({ required: true, description: 'What the host calls it, e.g. "Airbnb".' }),
    url: t.string({ required: true, description: "The other channel's iCal export URL (http or https)." }),
  }),
});
const ReviewInput = builder.inputType("ReviewInput", {
  fields: (t) => ({ rating: t.int({ required: true }), comment: t.string({ required: true }) }),
});

builder.mutationFields((t) => ({
  register: t.field({
    type: AuthPayload,
    args: { input: t.arg({ type: RegisterInput, required: true, validate: { schema: registerInput } }) },
    resolve: async (_root, { input }, ctx) => {
      const limits = sharedLimits(ctx.deps);
      await limit(ctx, limits.blockedAtRegister, input);
      await limit(ctx, limits.registerPerIp);
      // Parsed by registerInput already (the zod plugin); execute() parses it with the same schema again.
      return session(await execute(registerUser, { actor: null, input: input as never }, ctx.deps));
    },
  }),
  login: t.field({
    type: AuthPayload,
    description: "invalid_credentials for an unknown email or a wrong password (one answer for both).",
    args: { input: t.arg({ type: LoginInput, required: true }) },
    resolve: async (_root, { input: raw }, ctx) => {
      const http = httpOf(ctx);
      const limits = sharedLimits(ctx.deps);
      // Limited before the body is validated, as on REST (the per-email key reads the email as typed).
      await limit(ctx, limits.blockedAtLogin, raw);
      await limit(ctx, limits.loginPerIp, raw);
      await limit(ctx, limits.loginPerEmail, raw);
      const input = parse(loginBody, raw);
      const result = await authenticateUser(ctx.deps.orm, input);
      await auditLogin(ctx.deps, http, {
        email: input.email,
        success: result.ok,
        userId: result.ok ? result.user.id : result.userId,
      });
      if (!result.ok) throw invalidCredentials();
      return session(result.user);
    },
  }),
  createListing: t.field({
    type: Listing,
    args: { input: t.arg({ type: CreateListingInput, required: true, validate: { schema: listingInputSchema } }) },
    resolve: async (_root, { input }, ctx) =>
      presentListing(await execute(createListing, { actor: actorOf(ctx), input: input as never }, ctx.deps)),
  }),
  updateListing: t.field({
    type: Listing,
    args: {
      id: t.arg.id({ required: true }),
      input: t.arg({ type: UpdateListingInput, required: true, validate: { schema: listingPatchSchema } }),
    },
    resolve: async (_root, { id, input }, ctx) => {
      const listingId = guid(id, "listing");
      return presentListing(
        await execute(updateListing, { actor: actorOf(ctx), input: { ...input, listingId } as never }, ctx.deps),
      );
    },
  }),
  archiveListing: t.field({
    type: Listing,
    description: "As DELETE /listings/{id}: archived listings are not searchable or bookable.",
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, ctx) => {
      const listingId = guid(id, "listing");
      await execute(archiveListing, { actor: actorOf(ctx), input: { listingId } }, ctx.deps);
      return presentListing(await query(getListing, { actor: null, input: { listingId } }, ctx.deps));
    },
  }),
  reorderPhotos: t.field({
    type: Listing,
    description: "As PUT /listings/{id}/photos: every photo of the listing, in its new order (the first is the cover).",
    args: {
      listingId: t.arg.id({ required: true }),
      photoIds: t.arg.idList({ required: true, validate: { schema: reorderPhotosBody.shape.photoIds } }),
    },
    resolve: async (_root, { listingId, photoIds }, ctx) => {
      const id = guid(listingId, "listing");
      const input = { listingId: id, photoIds: photoIds.map(String) };
      await execute(reorderPhotos, { actor: actorOf(ctx), input }, ctx.deps);
      return presentListing(await query(getListing, { actor: null, input: { listingId: id } }, ctx.deps));
    },
  }),
  deletePhoto: t.field({
    type: "Boolean",
    description: "As DELETE /listings/{id}/photos/{photoId}: every size of it is removed.",
    args: { listingId: t.arg.id({ required: true }), photoId: t.arg.id({ required: true }) },
    resolve: async (_root, { listingId, photoId }, ctx) => {
      const input = { listingId: guid(listingId, "listing"), photoId: guid(photoId, "photo") };
      await execute(deletePhoto, { actor: actorOf(ctx), input }, ctx.deps);
      return true;
    },
  }),
  addCalendarFeed: t.field({
    type: CalendarFeed,
    description:
      "As POST /listings/{id}/calendar/feeds: an iCal feed to import (its host or an admin); polled at once.",
    args: {
      listingId: t.arg.id({ required: true }),
      input: t.arg({ type: CalendarFeedInput, required: true, validate: { schema: feedInputSchema } }),
    },
    resolve: async (_root, { listingId, input }, ctx) =>
      presentFeed(
        await execute(
          addFeed,
          { actor: actorOf(ctx), input: { ...input, listingId: guid(listingId, "listing") } },
          ctx.deps,
        ),
      ),
  }),
  removeCalendarFeed: t.field({
    type: "Boolean",
    description: "As DELETE /listings/{id}/calendar/feeds/{feedId}: its imported blocks go with it.",
    args: { listingId: t.arg.id({ required: true }), feedId: t.arg.id({ required: true }) },
    resolve: async (_root, { listingId, feedId }, ctx) => {
      const input = { listingId: guid(listingId, "listing"), feedId: guid(feedId, "feed") };
      await execute(removeFeed, { actor: actorOf(ctx), input }, ctx.deps);
      return true;
    },
  }),
  syncCalendarFeed: t.field({
    type: CalendarFeed,
    description: "As POST /listings/{id}/calendar/feeds/{feedId}/sync: polled now, not at its next turn.",
    args: { listingId: t.arg.id({ required: true }), feedId: t.arg.id({ required: true }) },
    resolve: async (_root, { listingId, feedId }, ctx) => {
      const input = { listingId: guid(listingId, "listing"), feedId: guid(feedId, "feed") };
      return presentFeed(await execute(syncFeedNow, { actor: actorOf(ctx), input }, ctx.deps));
    },
  }),
  rotateCalendarExportToken: t.field({
    type: "String",
    description: "As POST /listings/{id}/calendar/export-token: a new export URL; the old one answers 404 at once.",
    args: { listingId: t.arg.id({ required: true }) },
    resolve: async (_root, { listingId }, ctx) =>
      (
        await execute(
          rotateExportToken,
          { actor: actorOf(ctx), input: { listingId: guid(listingId, "listing") } },
          ctx.deps,
        )
      ).exportUrl,
  }),
  logout: t.field({
    type: "Boolean",
    description: "As POST /auth/logout: every token of your account stops working, this one included.",
    resolve: async (_root, _args, ctx) => {
      await execute(logout, { actor: actorOf(ctx), input: {} }, ctx.deps);
      return true;
    },
  }),
  createBlock: t.field({
    type: CalendarBlock,
    description:
      "As POST /listings/{id}/blocks (its host or an admin): dates_unavailable over a booking or another block.",
    args: {
      listingId: t.arg.id({ required: true }),
      input: t.arg({ type: BlockInput, required: true, validate: { schema: blockInputSchema } }),
    },
    resolve: async (_root, { listingId, input }, ctx) =>
      presentBlock(
        await execute(
          createBlock,
          {
            actor: actorOf(ctx),
            input: { ...input, note: input.note ?? undefined, listingId: guid(listingId, "listing") },
          },
          ctx.deps,
        ),
      ),
  }),
  deleteBlock: t.field({
    type: "Boolean",
    description: "As DELETE /listings/{id}/blocks/{blockId}: the nights can be booked at once.",
    args: { listingId: t.arg.id({ required: true }), blockId: t.arg.id({ required: true }) },
    resolve: async (_root, { listingId, blockId }, ctx) => {
      const input = { listingId: guid(listingId, "listing"), blockId: guid(blockId, "block") };
      await execute(deleteBlock, { actor: actorOf(ctx), input }, ctx.deps);
      return true;
    },
  }),
  createBooking: t.field({
    type: Booking,
    description:
      "As POST /bookings. idempotencyKey behaves as the Idempotency-Key header (and shares its keys): the same " +
      "key and input replay the first answer; the same key with another input is idempotency_conflict.",
    args: {
      input: t.arg({ type: CreateBookingInput, required: true, validate: { schema: createBookingInput } }),
      idempotencyKey: t.arg.string(),
    },
    resolve: async (_root, { input, idempotencyKey }, ctx) => {
      const actor = actorOf(ctx);
      await limit(ctx, sharedLimits(ctx.deps).bookingsPerUser);
      // An explicit null quoteToken is no token (JSON.stringify drops the undefined: the same hash as REST's body).
      const stay = { ...input, quoteToken: input.quoteToken ?? undefined };
      return idempotently(
        ctx,
        "bookings.create",
        idempotencyKey,
        { path: "/api/v1/bookings", body: stay },
        async () => ({
          status: 201,
          body: { booking: presentBooking(await execute(createBooking, { actor, input: stay }, ctx.deps)) },
        }),
        (body) => body.booking as ReturnType<typeof presentBooking>,
      );
    },
  }),
  cancelBooking: t.field({
    type: Booking,
    description: "As POST /bookings/{id}/cancel; the refund is on the booking (refundAmount).",
    args: { id: t.arg.id({ required: true }), refundAmount: t.arg.int({ description: "Admins only" }) },
    resolve: async (_root, { id, refundAmount }, ctx) => {
      const bookingId = guid(id, "booking");
      const input = { bookingId, ...(refundAmount == null ? {} : { refundAmount }) };
      return presentBooking((await execute(cancelBooking, { actor: actorOf(ctx), input }, ctx.deps)).booking);
    },
  }),
  acceptBooking: t.field({
    type: Booking,
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, ctx) =>
      presentBooking(
        await execute(acceptBooking, { actor: actorOf(ctx), input: { bookingId: guid(id, "booking") } }, ctx.deps),
      ),
  }),
  declineBooking: t.field({
    type: Booking,
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, ctx) =>
      presentBooking(
        await execute(declineBooking, { actor: actorOf(ctx), input: { bookingId: guid(id, "booking") } }, ctx.deps),
      ),
  }),
  startPayment: t.field({
    type: Payment,
    description: "As POST /bookings/{id}/payments: a pending payment is returned again rather than duplicated.",
    args: { bookingId: t.arg.id({ required: true }), idempotencyKey: t.arg.string() },
    resolve: async (_root, args, ctx) => {
      const actor = actorOf(ctx);
      const bookingId = guid(args.bookingId, "booking");
      const deps = { ...ctx.deps, chapa: chapa() };
      return idempotently(
        ctx,
        "payments.start",
        args.idempotencyKey,
        { path: `/api/v1/bookings/${bookingId}/payments`, body: {} },
        async () => {
          const { payment, created } = await execute(startPayment, { actor, input: { bookingId } }, deps);
          return { status: created ? 201 : 200, body: { payment: presentPayment(payment) } };
        },
        (body) => body.payment as ReturnType<typeof presentPayment>,
      );
    },
  }),
  postMessage: t.field({
    type: Message,
    args: { bookingId: t.arg.id({ required: true }), body: t.arg.string({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const actor = actorOf(ctx);
      await limit(ctx, sharedLimits(ctx.deps).messagesPerUser);
      const input = { body: args.body, bookingId: guid(args.bookingId, "booking") };
      return presentMessage(await execute(postMessage, { actor, input }, ctx.deps));
    },
  }),
  createReview: t.field({
    type: Review,
    args: {
      bookingId: t.arg.id({ required: true }),
      input: t.arg({ type: ReviewInput, required: true, validate: { schema: reviewInputSchema } }),
    },
    resolve: async (_root, args, ctx) => {
      const input = { ...args.input, bookingId: guid(args.bookingId, "booking") };
      return presentReview(await execute(createReview, { actor: actorOf(ctx), input }, ctx.deps));
    },
  }),
  markNotificationsRead: t.field({
    type: ReadMark,
    args: { upTo: t.arg.int({ required: true }) },
    resolve: (_root, { upTo }, ctx) =>
      execute(markNotificationsRead, { actor: actorOf(ctx), input: { upTo } }, ctx.deps),
  }),
}));

let chapaClient: ReturnType<typeof chapaFromConfig> | null = null;
/** The Chapa client the payment routes use, made once. */
const chapa = () => {
  chapaClient ??= chapaFromConfig();
  return chapaClient;
};
