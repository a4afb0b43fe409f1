import type { Server } from "socket.io";
import type { Orm } from "../../shared/db/orm.js";
import { adapterConnections, adapterStatus } from "../../shared/events/socketIo.js";
import { logger } from "../../shared/logger.js";
import type { LiveGate } from "./liveGate.js";
import { replaySince } from "./resume.js";

/** Replays at once at most this many sockets (each holds a pooled connection while it reads). */
const PARALLEL = 8;

/**
 * After a gap in the Socket.IO stream, replays each local socket's missed user events from PostgreSQL.
 * Why: an event is marked published once Redis took it (XADD acknowledged), but a Redis restart can
 * lose it before this instance read it (without persistence, or with the last second not yet on
 * disk). Sockets stay open through a Redis restart, so their clients never reconnect and never ask
 * for a replay; they would silently miss that event. So when the adapter's connections are all ready
 * again after any of them dropped, every local socket gets what PostgreSQL has for its user after the
 * newest event it was sent (the gate records it), with live events held meanwhile: no gap, no duplicate.
 */
export function resyncAfterStreamGaps(io: Server, deps: { orm: Orm; gate: LiveGate }): void {
  let gap = false;
  let timer: NodeJS.Timeout | null = null;
  const connections = () => adapterConnections(io);
  const watch = () => {
    for (const connection of connections()) {
      if (watched.has(connection)) continue;
      watched.add(connection);
      connection.on("close", () => {
        gap = true;
      });
      connection.on("ready", () => {
        if (!gap || adapterStatus(io) !== "ready" || timer) return;
        // Give the stream reader a moment to be reading again (as the ordered publisher does).
        timer = setTimeout(() => {
          timer = null;
          gap = false;
          void resync();
        }, 300);
        timer.unref();
      });
    }
  };
  const watched = new WeakSet<object>();
  watch();
  // The adapter duplicates its reading connection lazily; pick those up too.
  setTimeout(watch, 1000).unref();

  async function resync(): Promise<void> {
    const sockets = [...io.of("/").sockets.values()];
    let replayed = 0;
    let failed = 0;
    const queue = [...sockets];
    await Promise.all(
      Array.from({ length: Math.min(PARALLEL, queue.length) }, async () => {
        for (let socket = queue.shift(); socket; socket = queue.shift()) {
          const after = deps.gate.deliveredUpTo(socket);
          if (after === null || !socket.connected) continue;
          try {
            replayed += await replaySince(io, socket, deps, after);
          } catch {
            failed++;
            socket.conn.close(); // the client reconnects and resumes with its lastEventId
          }
        }
      }),
    );
    logger.info(
      { sockets: sockets.length, replayed, failed },
      "Socket.IO stream gap: sockets replayed from PostgreSQL",
    );
  }
}
