import type { Server, Socket } from "socket.io";
import { interceptBroadcasts } from "../../shared/events/adapterPatches.js";

interface HeldPacket {
  id: number | null;
  /** Sent to the user's room: the kind of event the replay reads (others are never replayed). */
  replayable: boolean;
  deliver: () => void;
}

interface GateState {
  userRoom: string;
  /** Packets held while the replay runs; null once released. */
  held: HeldPacket[] | null;
  /** After the release: user events up to this id were replayed, drop their live copies. */
  replayedUpTo: number;
}

export interface LiveGate {
  /**
   * Starts (or moves forward) the record of what this socket has: `since`, where its history starts
   * (the newest event when it connected without lastEventId). Every live or replayed user event
   * written to it moves the record on, and a live copy of one it was sent already is dropped.
   */
  track(socket: Socket, userRoom: string, since: number): void;
  /** The newest user event id this socket has (sent, or where it started); null: not tracked. */
  deliveredUpTo(socket: Socket): number | null;
  /** From now on, broadcasts bound for this socket are held instead of written. */
  hold(socket: Socket, userRoom: string): void;
  /** Writes what was held, in arrival order, minus the user events the replay already sent. */
  release(socket: Socket, replayedUpTo: number): void;
  /** Runs `send` (the replay's own writes) past the gate. */
  bypass(send: () => void): void;
}

/**
 * Makes the seam between a socket's replay and its live events exact. The socket joins its user
 * room BEFORE the replay reads PostgreSQL, so no event committed after a read can be missed; live
 * events arriving meanwhile are held here and written after the replay. An event committed before
 * the last read may be broadcast only later (its publisher is a bit behind, or Redis was down), so
 * after the release, live user events up to the last replayed id are still dropped, until the first
 * newer one passes (the stream is in id order: one relay leads, shared/events/relay.ts). No gap, no duplicate.
 *
 * It also records, per socket, the newest user event written to it (live or replayed), so that after
 * a gap in the Socket.IO stream the socket can be replayed from exactly there (resync.ts).
 *
 * Socket.IO has no public hook on broadcasts: the gate sees each one through interceptBroadcasts
 * (shared/events/adapterPatches.ts, which checks the pinned versions; the realtime tests cover it).
 */
export function installLiveGate(io: Server): LiveGate {
  const gated = new Map<string, GateState>();
  /** Per socket: the newest user event written to it (`sent`), and where its history starts (`since`). */
  const delivered = new Map<string, { userRoom: string; sent: number; since: number }>();
  let bypassing = false;

  const record = (socket: Socket, userRoom: string) => {
    let entry = delivered.get(socket.id);
    if (!entry) {
      entry = { userRoom, sent: 0, since: 0 };
      delivered.set(socket.id, entry);
      socket.once("disconnect", () => delivered.delete(socket.id));
    }
    return entry;
  };
  const track = (socket: Socket, userRoom: string, since: number) => {
    const entry = record(socket, userRoom);
    entry.since = Math.max(entry.since, since);
  };
  /**
   * Whether to write a live event to this socket. A user event at or below the newest one it was sent
   * is a copy (the relay publishes again what a publisher sent before its commit was lost): the
   * stream carries user events in id order, so never twice, never backwards.
   */
  const fresh = (socket: Socket, id: number | null, rooms: Set<string> | undefined) => {
    const entry = id === null ? undefined : delivered.get(socket.id);
    if (!entry || id === null || !rooms?.has(entry.userRoom)) return true;
    if (id <= entry.sent) return false;
    entry.sent = id;
    return true;
  };

  interceptBroadcasts(io, (packet, opts, callback, apply) => {
    if (!packet) return apply(opts, callback);
    const envelope = packet.data?.[1] as { id?: unknown } | undefined;
    const id = typeof envelope?.id === "number" ? envelope.id : null;
    if (bypassing) {
      // The replay's own writes (io.local.to(socket.id)): their rooms are the socket id, not the user room.
      return apply(opts, (socket) => {
        const entry = id === null ? undefined : delivered.get(socket.id);
        if (entry && id !== null && id > entry.sent) entry.sent = id;
        callback(socket);
      });
    }
    if (gated.size === 0) {
      if (id === null) return apply(opts, callback);
      return apply(opts, (socket) => {
        if (fresh(socket, id, opts.rooms)) callback(socket);
      });
    }
    apply(opts, (socket) => {
      const state = gated.get(socket.id);
      if (!state) {
        if (fresh(socket, id, opts.rooms)) callback(socket);
        return;
      }
      const replayable = id !== null && opts.rooms?.has(state.userRoom) === true;
      const deliver = () => {
        if (fresh(socket, id, opts.rooms)) callback(socket);
      };
      if (state.held) return void state.held.push({ id, replayable, deliver });
      if (replayable && id <= state.replayedUpTo) return; // its replayed copy went out already
      if (replayable) gated.delete(socket.id); // newer than the replay: every later one is too
      deliver();
    });
  });

  return {
    track,
    deliveredUpTo: (socket) => {
      const entry = delivered.get(socket.id);
      return entry ? Math.max(entry.sent, entry.since) : null;
    },
    hold(socket, userRoom) {
      const fresh = !gated.has(socket.id);
      gated.set(socket.id, { userRoom, held: [], replayedUpTo: 0 });
      if (fresh) socket.once("disconnect", () => gated.delete(socket.id));
    },
    release(socket, replayedUpTo) {
      const state = gated.get(socket.id);
      if (!state?.held) return;
      const held = state.held;
      state.held = null;
      state.replayedUpTo = replayedUpTo;
      const entry = record(socket, state.userRoom);
      entry.sent = Math.max(entry.sent, replayedUpTo);
      for (const packet of held) {
        if (packet.replayable && packet.id !== null && packet.id <= replayedUpTo) continue;
        if (packet.replayable) gated.delete(socket.id);
        packet.deliver();
      }
    },
    bypass(send) {
      bypassing = true;
      try {
        send();
      } finally {
        bypassing = false;
      }
    },
  };
}
