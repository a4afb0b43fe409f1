import type { EntityManager } from "@mikro-orm/postgresql";
import type { Orm } from "../../shared/db/orm.js";
import { eventsForUser, REPLAY_PAGE_SIZE } from "../../shared/events/replay.js";
import { type NexusServer, type NexusSocket, userRoom } from "../../shared/events/socketIo.js";
import type { LiveGate } from "./liveGate.js";

/**
 * Joins the socket to its user's room and, when the handshake carried `lastEventId`, first sends
 * every later event of that user from PostgreSQL, in id order.
 *
 * The order of steps is what makes it exact: live events are held (gate) and the room joined BEFORE
 * the first read, so every event committed after a read reaches the gate; the replay then reads page
 * after page until a short one, and the gate drops the live copies of what was replayed. Replayed
 * events are written locally (`io.local`), not through the Redis stream: they are old news for this
 * one socket.
 */
export async function joinAndReplay(
  io: NexusServer,
  socket: NexusSocket,
  deps: { orm: Orm; gate: LiveGate },
): Promise<void> {
  const session = socket.data;
  const room = userRoom(session.user.id);
  if (session.lastEventId === null) {
    socket.join(room);
    return;
  }
  deps.gate.hold(socket, room);
  socket.join(room);
  let sentUpTo = session.lastEventId;
  try {
    const em = deps.orm.em.fork() as EntityManager;
    // A resume point from elsewhere (another database, a typo) beyond every event would hide the next
    // ones behind it: resume from the newest event instead.
    const [{ newest }] = await em
      .getConnection()
      .execute<{ newest: string }[]>("select coalesce(max(id), 0) as newest from events");
    sentUpTo = Math.min(sentUpTo, Number(newest));
    for (;;) {
      const page = await eventsForUser(em, session.user.id, { after: sentUpTo, limit: REPLAY_PAGE_SIZE });
      if (!socket.connected) return;
      deps.gate.bypass(() => {
        // Each envelope matches its own type; TypeScript cannot correlate the two halves of a union.
        for (const event of page) io.local.to(socket.id).emit(event.type, event as never);
      });
      if (page.length) sentUpTo = page[page.length - 1].id;
      if (page.length < REPLAY_PAGE_SIZE) break;
    }
  } finally {
    deps.gate.release(socket, sentUpTo);
  }
}
