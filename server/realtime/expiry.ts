import type { SessionExpired } from "../../shared/browser/protocol.js";
import type { Orm } from "../../shared/db/orm.js";
import { readTokenVersions } from "../../shared/domain/accounts/tokenVersions.js";
import type { NexusServer, NexusSocket } from "../../shared/events/socketIo.js";
import { logger } from "../../shared/logger.js";
import type { LiveGate } from "./liveGate.js";

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Tells the client why (`session.expired`) and disconnects it. A server-side disconnect is not
 * retried by socket.io-client, so an ended client never loops on "unauthorized".
 */
function endSession(io: NexusServer, socket: NexusSocket, gate: LiveGate, reason: SessionExpired["reason"]) {
  const info: SessionExpired = { reason, at: new Date().toISOString() };
  // Written locally and flushed before the close (engine.io drains its buffer first).
  gate.bypass(() => io.local.to(socket.id).emit("session.expired", info));
  socket.disconnect(true);
}

/**
 * When the socket's token expires, the server says so and disconnects it. Chosen over an in-band
 * `auth.refresh`: the API has no refresh token, so a client needs a new login anyway, and
 * reconnecting with the new token and its lastEventId misses nothing (replay); one way in (the
 * handshake) keeps a single place where tokens are checked.
 */
export function disconnectOnExpiry(io: NexusServer, socket: NexusSocket, gate: LiveGate): void {
  const session = socket.data;
  let timer: NodeJS.Timeout;
  const arm = () => {
    const remaining = session.tokenExp * 1000 - Date.now();
    if (remaining > MAX_TIMER_MS) {
      timer = setTimeout(arm, MAX_TIMER_MS);
      return;
    }
    timer = setTimeout(() => endSession(io, socket, gate, "token_expired"), Math.max(0, remaining));
  };
  arm();
  socket.once("disconnect", () => clearTimeout(timer));
}

/**
 * Every `everyMs`, this instance's sockets whose token was revoked (logout, password change: the
 * account's token version moved on) or whose account is gone are ended with reason token_revoked.
 * One PostgreSQL query per round for all of them, read straight from the table (not the REST cache),
 * so a revocation, or an account deleted by any means, ends its sockets on every instance within
 * `everyMs` plus that query. While PostgreSQL is away nothing is ended (the check resumes after).
 */
export function disconnectRevoked(io: NexusServer, gate: LiveGate, orm: Orm, everyMs: number): () => void {
  let running = false;
  const check = async () => {
    const sockets = [...io.of("/").sockets.values()];
    if (running || sockets.length === 0) return;
    running = true;
    try {
      const versions = await readTokenVersions(
        orm,
        sockets.map((s) => s.data.user.id),
      );
      for (const socket of sockets) {
        if (socket.connected && versions.get(socket.data.user.id) !== socket.data.tokenVersion) {
          endSession(io, socket, gate, "token_revoked");
        }
      }
    } catch (err) {
      logger.warn({ err: (err as Error).message }, "socket revocation check failed; retrying next round");
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void check(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
