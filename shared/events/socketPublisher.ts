import type { Server } from "socket.io";
import type { EventPublisher, PublishableEvent } from "./publisher.js";
import { listingRoom, userRoom } from "./socketIo.js";

/**
 * Emits committed events to their rooms through the streams adapter, so every instance's sockets get
 * them. An event emitted twice (fast path and relay racing) is harmless: clients drop duplicates by id.
 */
export function createSocketPublisher(io: Server): EventPublisher {
  return {
    async publish(events: PublishableEvent[]) {
      for (const event of [...events].sort((a, b) => a.envelope.id - b.envelope.id)) {
        const rooms = [...event.userIds.map(userRoom), ...(event.listingId ? [listingRoom(event.listingId)] : [])];
        if (rooms.length) io.to(rooms).emit(event.envelope.type, event.envelope);
      }
    },
  };
}
