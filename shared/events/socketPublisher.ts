import type { Server } from "socket.io";
import { eventPublishLag, eventsPublished, publishFailures } from "../metrics.js";
import { publishToStreamOnly } from "./adapterPatches.js";
import type { EventEnvelope } from "./eventMap.js";
import { socketOpsFeed } from "./opsFeed.js";
import type { EventPublisher, PublishableEvent } from "./publisher.js";
import { adapterStatus, bookingRoom, listingRoom, userRoom } from "./socketIo.js";

/** The booking an event is about, if any: its booking room receives it too (admins subscribe there). */
function bookingIdOf(envelope: EventEnvelope): string | null {
  switch (envelope.type) {
    case "booking.created":
    case "booking.updated":
      return (envelope as EventEnvelope<"booking.created">).data.id;
    case "payment.updated":
    case "message.created":
      return (envelope as EventEnvelope<"payment.updated">).data.bookingId;
    default:
      return null;
  }
}

/** Every room an event goes to. A socket in several of them still receives it once (one emit). */
function roomsOf(event: PublishableEvent): string[] {
  const bookingId = bookingIdOf(event.envelope);
  return [
    ...event.userIds.map(userRoom),
    ...(event.listingId ? [listingRoom(event.listingId)] : []),
    ...(bookingId ? [bookingRoom(bookingId)] : []),
  ];
}

/**
 * Emits committed events to their rooms through the streams adapter, so every instance's sockets get
 * them, in the order given (the leading event relay's: id order). It resolves only once Redis has
 * taken every event and throws otherwise, so the relay never moves its publish mark past an event that
 * did not leave this process. While the adapter's Redis connection is not ready it emits nothing at
 * all: emitting to local sockets only would deliver out of order once the relay catches up.
 */
export function createSocketPublisher(io: Server): EventPublisher {
  // The admins' operations feed sees every published event (throttled to one update a second).
  const ops = socketOpsFeed(io);
  return {
    isReady: () => adapterStatus(io) === "ready",
    async publish(events: PublishableEvent[]) {
      const status = adapterStatus(io);
      if (status !== "ready") {
        publishFailures.inc();
        throw new Error(`Socket.IO adapter Redis is ${status}`);
      }
      // Issued back to back on one connection, the XADDs reach the stream in this order.
      const sent = [...events]
        .sort((a, b) => a.envelope.id - b.envelope.id)
        .map((event) => {
          const rooms = roomsOf(event);
          return rooms.length ? publishToStreamOnly(io, rooms, event.envelope.type, event.envelope) : null;
        });
      const failed = (await Promise.allSettled(sent)).find((r) => r.status === "rejected");
      if (failed) {
        publishFailures.inc();
        throw (failed as PromiseRejectedResult).reason;
      }
      ops.note(events.map((e) => e.envelope));
      const now = Date.now();
      for (const { envelope } of events) {
        eventsPublished.inc({ type: envelope.type });
        eventPublishLag.observe(Math.max(0, now - Date.parse(envelope.at)) / 1000);
      }
    },
  };
}
