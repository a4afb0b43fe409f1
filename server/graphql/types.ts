import type { EntityManager } from "@mikro-orm/postgresql";
import { findPeople } from "../../shared/domain/accounts/findUser.js";
import { ROLES } from "../../shared/domain/accounts/role.js";
import type { PersonView, UserView } from "../../shared/domain/accounts/view.js";
import {
  type Cancellation as CancellationView,
  cancellationQuote,
} from "../../shared/domain/bookings/cancellationQuote.js";
import { BOOKING_STATUSES, CANCELLED_BY } from "../../shared/domain/bookings/status.js";
import { getCalendar } from "../../shared/domain/calendars/getCalendar.js";
import { query } from "../../shared/domain/commands/execute.js";
import { CURRENCIES } from "../../shared/domain/currency.js";
import type { BlockView } from "../../shared/domain/listings/blocks.js";
import { getAvailability } from "../../shared/domain/listings/getAvailability.js";
import { listBlocks } from "../../shared/domain/listings/listBlocks.js";
import type { PhotoView } from "../../shared/domain/listings/photoView.js";
import { BOOKING_MODES, CANCELLATION_POLICIES, LISTING_STATUSES } from "../../shared/domain/listings/status.js";
import { queryListings } from "../../shared/domain/listings/view.js";
import { listMessages } from "../../shared/domain/messages/listMessages.js";
import { PAYMENT_STATUSES } from "../../shared/domain/payments/status.js";
import { paymentsOfBookings } from "../../shared/domain/payments/store.js";
import type { PaymentView } from "../../shared/domain/payments/view.js";
import type { PriceLine as PriceLineView } from "../../shared/domain/pricing/priceStay.js";
import { type Quote as QuoteView, quoteStay } from "../../shared/domain/pricing/quoteStay.js";
import type { PricingRules as PricingRulesView } from "../../shared/domain/pricing/rules.js";
import { listReviews } from "../../shared/domain/reviews/listReviews.js";
import { firstReviewsOf } from "../../shared/domain/reviews/view.js";
import type { EventEnvelope } from "../../shared/events/eventMap.js";
import { presentBlock } from "../presenters/block.js";
import type { presentBooking } from "../presenters/booking.js";
import { presentCalendar, type presentFeed } from "../presenters/calendar.js";
import { type ListingJson, presentListing } from "../presenters/listing.js";
import { presentMessage } from "../presenters/message.js";
import { presentPayment } from "../presenters/payment.js";
import { presentReview, type ReviewJson } from "../presenters/review.js";
import { actorOf, builder, type GraphqlContext } from "./builder.js";
import { connectionOf, pageArgs, pageComplexity, toConnection as toConnectionOf } from "./connection.js";

/*
 * The object types: each follows its REST view (server/presenters), field for field; relations are
 * loaded in batches per request (the dataloader plugin), one statement per relation and page.
 */

type BookingJson = ReturnType<typeof presentBooking>;
type MessageJson = ReturnType<typeof presentMessage>;

const em = (ctx: GraphqlContext) => ctx.deps.orm.em.fork() as EntityManager;

const enumOf = (name: string, values: readonly string[], description?: string) =>
  builder.enumType(name, { values: values as string[], description });

export const Role = enumOf("Role", ROLES);
export const BookingStatus = enumOf("BookingStatus", BOOKING_STATUSES);
export const Currency = enumOf("Currency", CURRENCIES);
const ListingStatus = enumOf("ListingStatus", LISTING_STATUSES);
const CancellationPolicy = enumOf("CancellationPolicy", CANCELLATION_POLICIES);
const BookingMode = enumOf("BookingMode", BOOKING_MODES);
const PaymentStatus = enumOf("PaymentStatus", PAYMENT_STATUSES);
const CancelledBy = enumOf("CancelledBy", CANCELLED_BY);

export const User = builder.objectRef<UserView>("User").implement({
  description: "Your own account (REST `user`).",
  fields: (t) => ({
    id: t.exposeID("id"),
    email: t.exposeString("email"),
    name: t.exposeString("name"),
    role: t.field({ type: Role, resolve: (u) => u.role }),
    createdAt: t.exposeString("createdAt"),
  }),
});

/** Another account as a booking's other party sees it: id and name. */
export const Person = builder.loadableObject("Person", {
  load: (ids: string[], ctx: GraphqlContext) => findPeople(em(ctx), ids),
  sort: (p: PersonView) => p.id,
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
  }),
});

export const StayRange = builder.objectRef<{ checkIn: string; checkOut: string }>("StayRange").implement({
  fields: (t) => ({ checkIn: t.exposeString("checkIn"), checkOut: t.exposeString("checkOut") }),
});

export const Review = builder.objectRef<ReviewJson>("Review").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    listingId: t.exposeID("listingId"),
    rating: t.exposeInt("rating"),
    comment: t.exposeString("comment"),
    reviewerName: t.exposeString("reviewerName"),
    createdAt: t.exposeString("createdAt"),
  }),
});
const ReviewConnection = connectionOf("Review", Review);

/** One line of a price breakdown (REST `PriceLine`): what a quote shows and a booking keeps. */
export const PriceLine = builder.objectRef<PriceLineView>("PriceLine").implement({
  fields: (t) => ({
    kind: t.exposeString("kind", {
      description: "nights, extra_guests, discount, cleaning_fee, service_fee or taxes.",
    }),
    label: t.exposeString("label"),
    nights: t.exposeInt("nights", { nullable: true }),
    amount: t.exposeInt("amount", { description: "Integer minor units; negative only for a discount." }),
  }),
});

/** GET /listings/{id}/quote's answer. */
const Quote = builder.objectRef<QuoteView>("Quote").implement({
  fields: (t) => ({
    lines: t.field({ type: [PriceLine], resolve: (q) => q.lines }),
    total: t.exposeInt("total", { description: "The sum of the lines, in minor units." }),
    currency: t.field({ type: Currency, resolve: (q) => q.currency }),
    quoteToken: t.exposeString("quoteToken", {
      description: "Pass it to createBooking (input.quoteToken) to book at exactly this price until expiresAt.",
    }),
    expiresAt: t.exposeString("expiresAt"),
  }),
});

export const Photo = builder.objectRef<PhotoView>("Photo").implement({
  description: "A listing's photo: three sizes, WebP, content-hashed URLs (cacheable forever).",
  fields: (t) => ({
    id: t.exposeID("id"),
    position: t.exposeInt("position"),
    width: t.exposeInt("width", { description: "Of the large size, in pixels." }),
    height: t.exposeInt("height"),
    small: t.string({ description: "320 px wide at most.", resolve: (p) => p.urls.small }),
    medium: t.string({ description: "800 px wide at most.", resolve: (p) => p.urls.medium }),
    large: t.string({ description: "1600 px wide at most.", resolve: (p) => p.urls.large }),
  }),
});

const PriceOverride = builder.objectRef<PricingRulesView["overrides"][number]>("PriceOverride").implement({
  fields: (t) => ({
    from: t.exposeString("from"),
    to: t.exposeString("to"),
    pricePerNight: t.exposeInt("pricePerNight"),
    label: t.exposeString("label", { nullable: true }),
  }),
});

const PricingRules = builder.objectRef<PricingRulesView>("PricingRules").implement({
  description: "The price rules besides pricePerNight (REST `PricingRules`).",
  fields: (t) => ({
    weekendPrice: t.exposeInt("weekendPrice", { nullable: true }),
    cleaningFee: t.exposeInt("cleaningFee"),
    includedGuests: t.exposeInt("includedGuests"),
    extraGuestFee: t.exposeInt("extraGuestFee"),
    weeklyDiscountPercent: t.exposeInt("weeklyDiscountPercent"),
    monthlyDiscountPercent: t.exposeInt("monthlyDiscountPercent"),
    overrides: t.field({ type: [PriceOverride], resolve: (r) => r.overrides }),
  }),
});

/** A host's calendar block (REST `Block`): nights kept off the market, by the host or from a feed. */
export const CalendarBlock = builder.objectRef<BlockView>("CalendarBlock").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    listingId: t.exposeID("listingId"),
    checkIn: t.exposeString("checkIn"),
    checkOut: t.exposeString("checkOut"),
    nights: t.exposeInt("nights"),
    note: t.exposeString("note", { nullable: true }),
    createdById: t.exposeID("createdById"),
    createdAt: t.exposeString("createdAt"),
    source: t.exposeString("source", { description: "host, or feed: imported from a calendar feed." }),
    feedId: t.exposeID("feedId", { nullable: true }),
  }),
});

const CancellationRule = builder.objectRef<CancellationView["rule"]>("CancellationRule").implement({
  fields: (t) => ({
    policy: t.exposeString("policy"),
    by: t.exposeString("by", { description: "guest, host or admin: whose cancellation the rule is for." }),
    refundPercent: t.exposeInt("refundPercent", { nullable: true }),
    description: t.exposeString("description"),
  }),
});

/** GET /bookings/{id}/cancellation's answer: what cancelling now would refund the caller, and why. */
export const Cancellation = builder.objectRef<CancellationView>("Cancellation").implement({
  fields: (t) => ({
    refundAmount: t.int({ description: "Minor units.", resolve: (c) => c.refund.amount }),
    currency: t.field({ type: Currency, resolve: (c) => c.refund.currency }),
    rule: t.field({ type: CancellationRule, resolve: (c) => c.rule }),
  }),
});

type CalendarJson = ReturnType<typeof presentCalendar>;

/** An imported iCal feed (REST `CalendarFeed`) and how its polling goes. */
export const CalendarFeed = builder.objectRef<ReturnType<typeof presentFeed>>("CalendarFeed").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    listingId: t.exposeID("listingId"),
    name: t.exposeString("name"),
    url: t.exposeString("url"),
    createdAt: t.exposeString("createdAt"),
    lastSyncAt: t.exposeString("lastSyncAt", { nullable: true }),
    lastSuccessAt: t.exposeString("lastSuccessAt", { nullable: true }),
    lastOutcome: t.exposeString("lastOutcome", { nullable: true, description: "ok, not_modified or failed." }),
    lastError: t.exposeString("lastError", { nullable: true }),
    eventCount: t.exposeInt("eventCount"),
    failures: t.exposeInt("failures"),
    nextSyncAt: t.exposeString("nextSyncAt"),
  }),
});

const CalendarConflict = builder.objectRef<CalendarJson["conflicts"][number]>("CalendarConflict").implement({
  description: "An imported event that met a reservation: the reservation stands; settle it on the other channel.",
  fields: (t) => ({
    id: t.exposeID("id"),
    feedId: t.exposeID("feedId"),
    feedName: t.exposeString("feedName"),
    bookingId: t.exposeID("bookingId"),
    checkIn: t.exposeString("checkIn"),
    checkOut: t.exposeString("checkOut"),
    detectedAt: t.exposeString("detectedAt"),
  }),
});

/** A listing's calendar sync (REST `GET /listings/{id}/calendar`): export URL, imported feeds, conflicts. */
const CalendarSync = builder.objectRef<CalendarJson>("CalendarSync").implement({
  fields: (t) => ({
    exportUrl: t.exposeString("exportUrl"),
    feeds: t.field({ type: [CalendarFeed], resolve: (c) => c.feeds }),
    conflicts: t.field({ type: [CalendarConflict], resolve: (c) => c.conflicts }),
  }),
});

export const Listing = builder.loadableObject("Listing", {
  description: "A listing (REST `listing`), with its photos, price rules and, for given dates, its quote.",
  load: async (ids: string[], ctx: GraphqlContext) =>
    (await queryListings(em(ctx), "l.id = any(?::uuid[])", [`{${ids.join(",")}}`])).map(presentListing),
  sort: (l: ListingJson) => l.id,
  fields: (t) => ({
    id: t.exposeID("id"),
    hostId: t.exposeID("hostId"),
    host: t.field({ type: Person, resolve: (l) => l.hostId }),
    title: t.exposeString("title"),
    description: t.exposeString("description"),
    city: t.exposeString("city"),
    country: t.exposeString("country"),
    pricePerNight: t.exposeInt("pricePerNight"),
    currency: t.field({ type: Currency, resolve: (l) => l.currency }),
    maxGuests: t.exposeInt("maxGuests"),
    status: t.field({ type: ListingStatus, resolve: (l) => l.status }),
    cancellationPolicy: t.field({ type: CancellationPolicy, resolve: (l) => l.cancellationPolicy }),
    bookingMode: t.field({ type: BookingMode, resolve: (l) => l.bookingMode }),
    minNights: t.exposeInt("minNights"),
    maxNights: t.exposeInt("maxNights"),
    timeZone: t.exposeString("timeZone"),
    latitude: t.exposeFloat("latitude", { nullable: true }),
    longitude: t.exposeFloat("longitude", { nullable: true }),
    pricing: t.field({ type: PricingRules, resolve: (l) => l.pricing }),
    photos: t.field({
      type: [Photo],
      description: "In the host's order; the first one is the cover.",
      resolve: (l) => l.photos,
    }),
    stayTotal: t.exposeInt("stayTotal", {
      nullable: true,
      description: "In a search with checkIn and checkOut: the quote's total for those dates; null elsewhere.",
    }),
    quote: t.field({
      type: Quote,
      description: "As GET /listings/{id}/quote: the itemised price of a stay, with a quoteToken for createBooking.",
      args: {
        checkIn: t.arg.string({ required: true }),
        checkOut: t.arg.string({ required: true }),
        guests: t.arg.int({ required: true }),
      },
      resolve: (l, args, ctx) =>
        query(
          quoteStay,
          // The REST query string's shape (guests as digits): the same schema parses both.
          {
            actor: null,
            input: { listingId: l.id, checkIn: args.checkIn, checkOut: args.checkOut, guests: String(args.guests) },
          },
          ctx.deps,
        ),
    }),
    ratingAverage: t.exposeFloat("ratingAverage", { nullable: true }),
    reviewCount: t.exposeInt("reviewCount"),
    createdAt: t.exposeString("createdAt"),
    updatedAt: t.exposeString("updatedAt"),
    availability: t.field({
      type: [StayRange],
      description: "Blocked stays (active bookings and host blocks), as GET /listings/{id}/availability.",
      args: { from: t.arg.string(), to: t.arg.string() },
      resolve: (l, args, ctx) =>
        query(
          getAvailability,
          { actor: null, input: { listingId: l.id, ...definedOnly({ from: args.from, to: args.to }) } },
          ctx.deps,
        ),
    }),
    calendar: t.field({
      type: CalendarSync,
      description: "Its host's (or an admin's) calendar sync: as GET /listings/{id}/calendar.",
      resolve: async (l, _args, ctx) =>
        presentCalendar(await query(getCalendar, { actor: actorOf(ctx), input: { listingId: l.id } }, ctx.deps)),
    }),
    blocks: t.field({
      type: [CalendarBlock],
      description:
        "Its host's (or an admin's) view: the calendar blocks not over yet, by check-in, as GET /listings/{id}/blocks.",
      resolve: async (l, _args, ctx) =>
        (await query(listBlocks, { actor: actorOf(ctx), input: { listingId: l.id } }, ctx.deps)).map(presentBlock),
    }),
    reviews: t.field({
      type: ReviewConnection,
      description: "Newest first, as GET /listings/{id}/reviews.",
      args: { first: t.arg.int(), after: t.arg.string() },
      complexity: pageComplexity,
      resolve: async (l, args, ctx) => {
        const page = await query(listReviews, { actor: null, input: { listingId: l.id, ...pageArgs(args) } }, ctx.deps);
        return toConnectionOf(page, presentReview);
      },
    }),
    firstReview: t.loadable({
      type: Review,
      nullable: true,
      description: "The oldest review (batched: one statement for every listing of the page).",
      load: async (ids: string[], ctx: GraphqlContext) => (await firstReviewsOf(em(ctx), ids)).map(presentReview),
      sort: (r) => r.listingId,
      resolve: (l) => l.id,
    }),
  }),
});

export const Payment = builder.objectRef<PaymentView>("Payment").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    bookingId: t.exposeID("bookingId"),
    txRef: t.exposeString("txRef"),
    status: t.field({ type: PaymentStatus, resolve: (p) => p.status }),
    amount: t.exposeInt("amount"),
    currency: t.field({ type: Currency, resolve: (p) => p.currency }),
    refundedAmount: t.exposeInt("refundedAmount"),
    checkoutUrl: t.exposeString("checkoutUrl", { nullable: true }),
    createdAt: t.exposeString("createdAt"),
    updatedAt: t.exposeString("updatedAt"),
  }),
});

export const Message = builder.objectRef<MessageJson>("Message").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    bookingId: t.exposeID("bookingId"),
    senderId: t.exposeID("senderId"),
    senderName: t.exposeString("senderName"),
    body: t.exposeString("body"),
    createdAt: t.exposeString("createdAt"),
  }),
});
const MessageConnection = connectionOf("Message", Message);

export const Booking = builder.objectRef<BookingJson>("Booking").implement({
  description: "A booking (REST `booking`), seen by its guest, its listing's host or an admin.",
  fields: (t) => ({
    id: t.exposeID("id"),
    listingId: t.exposeID("listingId"),
    listingTitle: t.exposeString("listingTitle"),
    listing: t.field({ type: Listing, resolve: (b) => b.listingId }),
    guestId: t.exposeID("guestId"),
    guestName: t.exposeString("guestName"),
    guest: t.field({ type: Person, resolve: (b) => b.guestId }),
    hostId: t.exposeID("hostId"),
    checkIn: t.exposeString("checkIn"),
    checkOut: t.exposeString("checkOut"),
    nights: t.exposeInt("nights"),
    guests: t.exposeInt("guests"),
    totalPrice: t.exposeInt("totalPrice"),
    priceLines: t.field({
      type: [PriceLine],
      description: "The lines the booking was priced with; totalPrice is their sum.",
      resolve: (b) => b.priceLines,
    }),
    currency: t.field({ type: Currency, resolve: (b) => b.currency }),
    status: t.field({ type: BookingStatus, resolve: (b) => b.status }),
    expiresAt: t.exposeString("expiresAt", { nullable: true }),
    note: t.exposeString("note", { nullable: true }),
    cancelledBy: t.field({ type: CancelledBy, nullable: true, resolve: (b) => b.cancelledBy }),
    refundAmount: t.exposeInt("refundAmount", { nullable: true }),
    createdAt: t.exposeString("createdAt"),
    updatedAt: t.exposeString("updatedAt"),
    // Whoever sees a booking sees its payments (its guest, its host, an admin: canSeePayment's parties).
    latestPayment: t.loadable({
      type: Payment,
      nullable: true,
      load: async (ids: string[], ctx: GraphqlContext) =>
        (await paymentsOfBookings(em(ctx), ids, { latestOnly: true })).map(presentPayment),
      sort: (p) => p.bookingId,
      resolve: (b) => b.id,
    }),
    payments: t.loadableGroup({
      type: Payment,
      description: "Oldest first.",
      load: async (ids: string[], ctx: GraphqlContext) => (await paymentsOfBookings(em(ctx), ids)).map(presentPayment),
      group: (p) => p.bookingId,
      resolve: (b) => b.id,
    }),
    cancellation: t.field({
      type: Cancellation,
      description: "What cancelling now would refund you, and the rule: as GET /bookings/{id}/cancellation.",
      resolve: (b, _args, ctx) =>
        query(cancellationQuote, { actor: actorOf(ctx), input: { bookingId: b.id } }, ctx.deps),
    }),
    messages: t.field({
      type: MessageConnection,
      description: "The conversation, oldest first, as GET /bookings/{id}/messages.",
      args: { first: t.arg.int(), after: t.arg.string() },
      complexity: pageComplexity,
      resolve: async (b, args, ctx) => {
        const page = await query(
          listMessages,
          { actor: actorOf(ctx), input: { bookingId: b.id, ...pageArgs(args) } },
          ctx.deps,
        );
        return toConnectionOf(page, presentMessage);
      },
    }),
  }),
});

export const Event = builder.objectRef<EventEnvelope>("Event").implement({
  description:
    "One of your events, as the Socket.IO event carries it: {id, type, at, data}; ids increase per user. " +
    "`booking`, `payment` and `message` are `data` typed, when the event is about one.",
  fields: (t) => ({
    id: t.id({ resolve: (e) => String(e.id) }),
    type: t.exposeString("type"),
    at: t.exposeString("at"),
    data: t.field({ type: "JSON", resolve: (e) => e.data }),
    booking: t.field({
      type: Booking,
      nullable: true,
      resolve: (e) => (e.type === "booking.created" || e.type === "booking.updated" ? (e.data as BookingJson) : null),
    }),
    payment: t.field({
      type: Payment,
      nullable: true,
      resolve: (e) => (e.type === "payment.updated" ? (e.data as PaymentView) : null),
    }),
    message: t.field({
      type: Message,
      nullable: true,
      resolve: (e) => (e.type === "message.created" ? (e.data as MessageJson) : null),
    }),
  }),
});

/** GraphQL passes an omitted optional argument as undefined and an explicit one as null: both are "absent" on REST. */
export function definedOnly<T extends Record<string, unknown>>(values: T): { [K in keyof T]?: NonNullable<T[K]> } {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== null)) as never;
}
