import type { Server, Socket } from "socket.io";
import type { SessionExpired } from "../../shared/events/protocol.js";
import type { SocketSession } from "./auth.js";
import type { LiveGate } from "./liveGate.js";

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * When the socket's token expires, the server says so (`session.expired`) and disconnects it. Chosen
 * over an in-band `auth.refresh`: the API has no refresh token, so a client needs a new login
 * anyway, and reconnecting with the new token and its lastEventId misses nothing (replay); one way
 * in (the handshake) keeps a single place where tokens are checked. A server-side disconnect is not
 * retried by socket.io-client, so an expired client never loops on "unauthorized".
 */
export function disconnectOnExpiry(io: Server, socket: Socket, gate: LiveGate): void {
  const session = socket.data as SocketSession;
  let timer: NodeJS.Timeout;
  const arm = () => {
    const remaining = session.tokenExp * 1000 - Date.now();
    if (remaining > MAX_TIMER_MS) {
      timer = setTimeout(arm, MAX_TIMER_MS);
      return;
    }
    timer = setTimeout(
      () => {
        const info: SessionExpired = { reason: "token_expired", at: new Date().toISOString() };
        // Written locally and flushed before the close (engine.io drains its buffer first).
        gate.bypass(() => io.local.to(socket.id).emit("session.expired", info));
        socket.disconnect(true);
      },
      Math.max(0, remaining),
    );
  };
  arm();
  socket.once("disconnect", () => clearTimeout(timer));
}
