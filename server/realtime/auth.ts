import type { ExtendedError, Socket } from "socket.io";
import type { Orm } from "../../shared/db/orm.js";
import { findUser } from "../../shared/domain/accounts/findUser.js";
import { type Actor, verifyToken } from "../../shared/domain/accounts/tokens.js";
import { logger } from "../../shared/logger.js";

/** What the handshake leaves on `socket.data` (also restored with a recovered session). */
export interface SocketSession {
  user: Actor;
  /** When the token expires (seconds since the epoch). */
  tokenExp: number;
  /** From the handshake; null when the client has no history to resume. */
  lastEventId: number | null;
}

/** `lastEventId` as sent: a non-negative integer, as a number or a string of digits. */
function parseLastEventId(value: unknown): number | null | undefined {
  if (value === undefined || value === null || value === "") return null;
  const n = typeof value === "string" && /^\d{1,16}$/.test(value) ? Number(value) : value;
  return typeof n === "number" && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

const fail = (message: "unauthorized" | "validation_failed" | "unavailable") => new Error(message) as ExtendedError;

/**
 * Handshake middleware: `auth: {token, lastEventId?}`. A missing, forged or expired token, or one whose
 * user no longer exists, fails with `connect_error` "unauthorized"; the role is read from the
 * database, not trusted from the token. A recovered session must belong to the same user.
 */
export function authenticateSocket(orm: Orm) {
  return async (socket: Socket, next: (err?: ExtendedError) => void) => {
    const auth = (socket.handshake.auth ?? {}) as { token?: unknown; lastEventId?: unknown };
    const claims = typeof auth.token === "string" && auth.token.length < 4096 ? verifyToken(auth.token) : null;
    if (!claims) return next(fail("unauthorized"));
    const lastEventId = parseLastEventId(auth.lastEventId);
    if (lastEventId === undefined) return next(fail("validation_failed"));
    let user: Actor | null;
    try {
      const row = await findUser(orm, claims.sub);
      user = row ? { id: row.id, role: row.role } : null;
    } catch (err) {
      logger.error({ err }, "socket handshake: user lookup failed");
      return next(fail("unavailable"));
    }
    if (!user) return next(fail("unauthorized"));
    const restored = (socket.data as Partial<SocketSession> | undefined)?.user;
    if (restored && restored.id !== user.id) return next(fail("unauthorized"));
    const session: SocketSession = { user, tokenExp: claims.exp, lastEventId };
    socket.data = session;
    next();
  };
}
