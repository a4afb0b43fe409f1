import type { Server, Socket } from "socket.io";

interface BroadcastPacket {
  data?: unknown[];
}

interface BroadcastOptions {
  rooms?: Set<string>;
}

interface GatedAdapter {
  _encode(packet: BroadcastPacket, opts: unknown): unknown;
  apply(opts: BroadcastOptions, callback: (socket: Socket) => void): void;
}

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
   * Starts (or moves forward) the record of the newest user event this socket was sent: `upTo` is
   * where it starts. Every live or replayed user event written to it moves the record on.
   */
  track(socket: Socket, userRoom: string, upTo: number): void;
  /** The newest user event id this socket was sent (null: not tracked). */
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
 * newer one passes (the stream is in id order, see publishPendingEvents). No gap, no duplicate.
 *
 * It also records, per socket, the newest user event written to it (live or replayed), so that after
 * a gap in the Socket.IO stream the socket can be replayed from exactly there (resync.ts).
 *
 * Socket.IO has no public hook on broadcasts, so this wraps the namespace adapter's `_encode` and
 * `apply`, which its in-memory `broadcast` calls back to back, synchronously, for both local emits and
 * those arriving from other instances (socket.io-adapter 2.5; the realtime tests cover it).
 */
export function installLiveGate(io: Server): LiveGate {
  const adapter = io.of("/").adapter as unknown as GatedAdapter;
  const gated = new Map<string, GateState>();
  const delivered = new Map<string, { userRoom: string; upTo: number }>();
  let broadcasting: BroadcastPacket | null = null;
  let bypassing = false;

  const track = (socket: Socket, userRoom: string, upTo: number) => {
    const record = delivered.get(socket.id);
    if (record) record.upTo = Math.max(record.upTo, upTo);
    else {
      delivered.set(socket.id, { userRoom, upTo });
      socket.once("disconnect", () => delivered.delete(socket.id));
    }
  };
  const noteDelivered = (socket: Socket, id: number | null, rooms: Set<string> | undefined) => {
    const record = id === null ? undefined : delivered.get(socket.id);
    if (record && id !== null && id > record.upTo && rooms?.has(record.userRoom)) record.upTo = id;
  };

  const encode = adapter._encode.bind(adapter);
  adapter._encode = (packet, opts) => {
    broadcasting = packet;
    return encode(packet, opts);
  };
  const apply = adapter.apply.bind(adapter);
  adapter.apply = (opts, callback) => {
    const packet = broadcasting;
    broadcasting = null;
    if (!packet) return apply(opts, callback);
    const envelope = packet.data?.[1] as { id?: unknown } | undefined;
    const id = typeof envelope?.id === "number" ? envelope.id : null;
    if (bypassing) {
      // The replay's own writes (io.local.to(socket.id)): their rooms are the socket id, not the user room.
      return apply(opts, (socket) => {
        const record = id === null ? undefined : delivered.get(socket.id);
        if (record && id !== null && id > record.upTo) record.upTo = id;
        callback(socket);
      });
    }
    if (gated.size === 0) {
      if (id === null) return apply(opts, callback);
      return apply(opts, (socket) => {
        noteDelivered(socket, id, opts.rooms);
        callback(socket);
      });
    }
    apply(opts, (socket) => {
      const state = gated.get(socket.id);
      if (!state) {
        noteDelivered(socket, id, opts.rooms);
        return callback(socket);
      }
      const replayable = id !== null && opts.rooms?.has(state.userRoom) === true;
      const deliver = () => {
        noteDelivered(socket, id, opts.rooms);
        callback(socket);
      };
      if (state.held) return void state.held.push({ id, replayable, deliver });
      if (replayable && id <= state.replayedUpTo) return; // its replayed copy went out already
      if (replayable) gated.delete(socket.id); // newer than the replay: every later one is too
      deliver();
    });
  };

  return {
    track,
    deliveredUpTo: (socket) => delivered.get(socket.id)?.upTo ?? null,
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
      track(socket, state.userRoom, replayedUpTo);
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
