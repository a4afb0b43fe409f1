/**
 * The Socket.IO contract (API.md, "Real-time") as types, shared by the server and the browser client.
 * Browser-safe: types and constants only.
 */

import type { Role } from "../domain/accounts/role.js";
import type { OpsUpdate } from "../domain/ops/view.js";
import type { EventEnvelope, EventType } from "../events/eventMap.js";

/** What a client sends in the handshake: `io(url, { auth: { token, lastEventId } })`. */
export interface HandshakeAuth {
  token: string;
  /** The greatest event id the client has seen: every later event of the user is replayed first. */
  lastEventId?: number | string | null;
}

/** `{ops: true}`: the admins' operations feed (`ops.update`, at most one a second). */
export type SubscribeTarget = { bookingId: string } | { listingId: string } | { ops: true };

export type SocketErrorCode =
  | "validation_failed"
  | "not_found"
  | "rate_limited"
  | "too_many_subscriptions"
  | "internal_error";

export type SocketAck = { ok: true } | { ok: false; error: { code: SocketErrorCode; message: string } };

/**
 * Sent once, just before the server disconnects a socket whose token expired, or was revoked (logout,
 * a password change, the account deleted): either way the client needs a new login.
 */
export interface SessionExpired {
  reason: "token_expired" | "token_revoked";
  at: string;
}

/**
 * The handshake failure messages (`connect_error` err.message). `too_many_connections`: the user or
 * the IP already holds the most sockets allowed (SOCKET_MAX_PER_USER / SOCKET_MAX_PER_IP); `err.data`
 * says which (`{limit: "user" | "ip", max}`).
 */
export type HandshakeError = "unauthorized" | "validation_failed" | "unavailable" | "too_many_connections";

export type ServerToClientEvents = { [T in EventType]: (event: EventEnvelope<T>) => void } & {
  "session.expired": (info: SessionExpired) => void;
  "ops.update": (update: OpsUpdate) => void;
};

export interface ClientToServerEvents {
  subscribe: (target: SubscribeTarget, ack: (result: SocketAck) => void) => void;
  unsubscribe: (target: SubscribeTarget, ack: (result: SocketAck) => void) => void;
}

/** Events between server instances (none: they meet only through rooms on the adapter). */
export type InterServerEvents = Record<string, never>;

/** What the handshake leaves on `socket.data`. */
export interface SocketData {
  user: { id: string; role: Role };
  /** When the token expires (seconds since the epoch). */
  tokenExp: number;
  /** The token's `ver` claim: the socket ends once the account's token version moves past it. */
  tokenVersion: number;
  /** From the handshake; null when the client has no history to resume. */
  lastEventId: number | null;
}
