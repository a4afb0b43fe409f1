import type { EntityManager } from "@mikro-orm/postgresql";
import type { Orm } from "../../shared/db/orm.js";
import { eventsForUser, newestEventId, REPLAY_PAGE_SIZE } from "../../shared/events/replay.js";
import { type NexusServer, type NexusSocket, userRoom } from "../../shared/events/socketIo.js";
import type { LiveGate } from "./liveGate.js";

/**
 * Joins the socket to its user's room and, when the handshake carried `lastEventId`, first sends
 * every later event of that user from PostgreSQL, in id order. Without one, the socket starts from
 * the newest event (what it has "seen"), so a later stream gap can be replayed from there.
 *
 * The order of steps is what makes it exact: live events are held (gate) and the room joined BEFORE
 * the first read, so every event committed after a read reaches the gate; the replay then reads page
 * after page until a short one, and the gate drops the live copies of what was replayed.
 */
export async function joinAndReplay(
  io: NexusServer,
  socket: NexusSocket,
  deps: { orm: Orm; gate: LiveGate },
): Promise<void> {
  const session = socket.data;
  const room = userRoom(session.user.id);
  if (session.lastEventId === null) {
    deps.gate.track(socket, room, 0);
    socket.join(room);
    // Events published from here on reach the socket live; those before it are not its to see.
    deps.gate.track(socket, room, await newestEventId(deps.orm.em.fork() as EntityManager));
    return;
  }
  socket.join(room);
  // A resume point from elsewhere (another database, a typo) beyond every event would hide the next
  // ones behind it: resume from the newest event instead.
  await replaySince(io, socket, deps, session.lastEventId, { clamp: true });
}

/**
 * Sends the socket its user's events after `after`, from PostgreSQL, with live events held meanwhile
 * (and their replayed copies dropped). Used on connect, and again after a gap in the Socket.IO stream
 * (resync.ts): events Redis took but lost before this instance read them are in PostgreSQL.
 * Replayed events are written locally (`io.local`), not through the Redis stream: they are old news
 * for this one socket.
 */
export async function replaySince(
  io: NexusServer,
  socket: NexusSocket,
  deps: { orm: Orm; gate: LiveGate },
  after: number,
  options: { clamp?: boolean } = {},
): Promise<number> {
  const session = socket.data;
  const room = userRoom(session.user.id);
  deps.gate.hold(socket, room);
  let sentUpTo = after;
  let sent = 0;
  try {
    const em = deps.orm.em.fork() as EntityManager;
    if (options.clamp) sentUpTo = Math.min(sentUpTo, await newestEventId(em));
    for (;;) {
      const page = await eventsForUser(em, session.user.id, { after: sentUpTo, limit: REPLAY_PAGE_SIZE });
      if (!socket.connected) return sent;
      deps.gate.bypass(() => {
        // Each envelope matches its own type; TypeScript cannot correlate the two halves of a union.
        for (const event of page) io.local.to(socket.id).emit(event.type, event as never);
      });
      sent += page.length;
      if (page.length) sentUpTo = page[page.length - 1].id;
      if (page.length < REPLAY_PAGE_SIZE) break;
    }
  } finally {
    deps.gate.release(socket, sentUpTo);
  }
  return sent;
}
