import type { ExtendedError } from "socket.io";
import type { HandshakeError, SocketData } from "../../shared/browser/protocol.js";
import type { Orm } from "../../shared/db/orm.js";
import { findUser } from "../../shared/domain/accounts/findUser.js";
import { type Actor, verifyToken } from "../../shared/domain/accounts/tokens.js";
import type { NexusSocket } from "../../shared/events/socketIo.js";
import { logger } from "../../shared/logger.js";

/** What the handshake leaves on `socket.data`. */
export type SocketSession = SocketData;

/** `lastEventId` as sent: a non-negative integer, as a number or a string of digits. */
function parseLastEventId(value: unknown): number | null | undefined {
  if (value === undefined || value === null || value === "") return null;
  const n = typeof value === "string" && /^\d{1,16}$/.test(value) ? Number(value) : value;
  return typeof n === "number" && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

const fail = (message: Exclude<HandshakeError, "too_many_connections">) => new Error(message) as ExtendedError;

/**
 * The account a token stands for, as every socket handshake checks it: a valid signature, iss, aud and
 * exp, and the account's current token version (role from the database, not the token). Null when
 * refused. Throws when the database cannot answer. Socket.IO and GraphQL subscriptions both call it.
 */
export async function actorFromToken(
  orm: Orm,
  token: unknown,
): Promise<{ actor: Actor; exp: number; ver: number } | null> {
  const claims = typeof token === "string" && token.length < 4096 ? verifyToken(token) : null;
  if (!claims) return null;
  const row = await findUser(orm, claims.sub);
  return row && row.tokenVersion === claims.ver
    ? { actor: { id: row.id, role: row.role }, exp: claims.exp, ver: claims.ver }
    : null;
}

/**
 * Handshake middleware: `auth: {token, lastEventId?}`. A missing, forged, expired or revoked token,
 * or one whose user no longer exists, fails with `connect_error` "unauthorized"; the role and the
 * token version are read from the database, not trusted from the token.
 */
export function authenticateSocket(orm: Orm) {
  return async (socket: NexusSocket, next: (err?: ExtendedError) => void) => {
    const auth = (socket.handshake.auth ?? {}) as { token?: unknown; lastEventId?: unknown };
    const claims = typeof auth.token === "string" && auth.token.length < 4096 ? verifyToken(auth.token) : null;
    if (!claims) return next(fail("unauthorized"));
    const lastEventId = parseLastEventId(auth.lastEventId);
    if (lastEventId === undefined) return next(fail("validation_failed"));
    let user: Actor | null;
    try {
      user = (await actorFromToken(orm, auth.token))?.actor ?? null;
    } catch (err) {
      logger.error({ err }, "socket handshake: user lookup failed");
      return next(fail("unavailable"));
    }
    if (!user) return next(fail("unauthorized"));
    socket.data = { user, tokenExp: claims.exp, tokenVersion: claims.ver, lastEventId } satisfies SocketSession;
    next();
  };
}
