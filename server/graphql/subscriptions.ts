import type { EntityManager } from "@mikro-orm/postgresql";
import { notFound, unauthenticated, validationFailed } from "../../shared/errors.js";
import type { EventEnvelope } from "../../shared/events/eventMap.js";
import { eventsForUser, newestEventId, REPLAY_PAGE_SIZE } from "../../shared/events/replay.js";
import { listingRoom, userRoom } from "../../shared/events/socketIo.js";
import { isUuid } from "../../shared/ids.js";
import { actorOf, builder, type GraphqlContext } from "./builder.js";
import { EventQueue } from "./eventFeed.js";
import { Event, StayRange } from "./types.js";

/** Queued when the Socket.IO stream had a gap (eventFeed.onGap). */
const STREAM_GAP = Symbol("stream gap");

type Availability = { listingId: string; blocked: { checkIn: string; checkOut: string }[] };

const ListingAvailability = builder.objectRef<Availability>("ListingAvailability").implement({
  description: "A listing's blocked stays after a change (the listing.availability event's data).",
  fields: (t) => ({
    listingId: t.exposeID("listingId"),
    blocked: t.field({ type: [StayRange], resolve: (a) => a.blocked }),
  }),
});

function feedOf(ctx: GraphqlContext) {
  if (!ctx.feed) throw new Error("subscriptions need the event feed (they run over graphql-ws only)");
  return ctx.feed;
}

/** `after` as sent: an event id (digits), or none. */
function resumePoint(after: string | number | null | undefined): number | null {
  if (after === null || after === undefined) return null;
  const text = String(after);
  if (!/^\d{1,16}$/.test(text) || !Number.isSafeInteger(Number(text)))
    throw validationFailed([{ path: "after", message: "Not an event id." }]);
  return Number(text);
}

/**
 * The user's events after `after` from PostgreSQL, then live ones, in id order, with no gap and no
 * duplicate at the seam: the Socket.IO resume's guarantee (server/realtime/resume.ts), by the same
 * steps. The live feed is listened to BEFORE the first read, so every event committed after a read
 * is queued; the replay reads page after page until a short one; then queued events up to the last
 * replayed id are dropped (an event committed before the read may be broadcast only later), and the
 * rest go out as they come: the feed carries user events in id order (one relay leads), so a live
 * event at or below the last one sent is a copy and is dropped too. Without `after`, it starts from
 * the newest event there is (what a socket without lastEventId gets). After a gap in the Socket.IO
 * stream (Redis restarted: it may have lost events it took), it replays from the last event sent, as
 * sockets do (resync.ts). A token that expires ends it.
 */
async function* myEvents(ctx: GraphqlContext, after: number | null): AsyncGenerator<EventEnvelope> {
  const actor = actorOf(ctx);
  const room = userRoom(actor.id);
  const live = new EventQueue<EventEnvelope | typeof STREAM_GAP>();
  const feed = feedOf(ctx);
  const stopListening = feed.listen((envelope, rooms) => {
    if (rooms.has(room)) live.push(envelope);
  });
  const stopGaps = feed.onGap(() => live.push(STREAM_GAP));
  const em = ctx.deps.orm.em.fork() as EntityManager;
  /** The user's events after `from`, page after page until a short one. */
  async function* replay(from: number): AsyncGenerator<EventEnvelope> {
    for (let cursor = from; ; ) {
      const page = await eventsForUser(em, actor.id, { after: cursor, limit: REPLAY_PAGE_SIZE });
      yield* page;
      if (page.length) cursor = page[page.length - 1].id;
      if (page.length < REPLAY_PAGE_SIZE) return;
    }
  }
  try {
    const newest = await newestEventId(em);
    // A resume point beyond every event (another database, a typo) would hide the next ones: clamp it.
    let sentUpTo = after === null ? newest : Math.min(after, newest);
    if (after !== null) {
      for await (const event of replay(sentUpTo)) {
        sentUpTo = event.id;
        yield event;
      }
    }
    for await (const item of live) {
      // After a stream gap, what Redis lost is in PostgreSQL: replay from the last event sent (live
      // events keep queuing meanwhile, and their copies of replayed ones are dropped below).
      const events = item === STREAM_GAP ? replay(sentUpTo) : [item];
      for await (const event of events) {
        if (event.id <= sentUpTo) continue;
        if (ctx.tokenExp !== undefined && Date.now() >= ctx.tokenExp * 1000)
          throw unauthenticated("The token expired.");
        sentUpTo = event.id;
        yield event;
      }
    }
  } finally {
    stopListening();
    stopGaps();
    live.close();
  }
}

/** A listing's availability changes, live (as the socket's `subscribe {listingId}`): anyone may listen. */
async function* listingAvailability(ctx: GraphqlContext, listingId: string): AsyncGenerator<Availability> {
  const room = listingRoom(listingId);
  const live = new EventQueue<EventEnvelope>();
  const stop = feedOf(ctx).listen((envelope, rooms) => {
    if (envelope.type === "listing.availability" && rooms.has(room)) live.push(envelope);
  });
  try {
    for await (const event of live) yield event.data as Availability;
  } finally {
    stop();
    live.close();
  }
}

builder.subscriptionFields((t) => ({
  myEvents: t.field({
    type: Event,
    description:
      "Your events after `after` (an event id, e.g. the last one you saw) from the log, then live ones: in order, " +
      "none missed, none twice. Without `after`: live ones from now.",
    args: { after: t.arg.id() },
    subscribe: (_root, args, ctx) => {
      actorOf(ctx); // refused before the stream starts: the error reaches the client as the subscription's
      return myEvents(ctx, resumePoint(args.after));
    },
    resolve: (event) => event,
  }),
  listingAvailability: t.field({
    type: ListingAvailability,
    args: { listingId: t.arg.id({ required: true }) },
    subscribe: (_root, args, ctx) => {
      const listingId = String(args.listingId);
      if (!isUuid(listingId)) throw notFound("listing");
      return listingAvailability(ctx, listingId);
    },
    resolve: (availability) => availability,
  }),
}));
