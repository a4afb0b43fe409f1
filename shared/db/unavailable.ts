/**
 * Tells "the database (or another required service) cannot be reached right now" apart from every
 * other failure, so that callers answer 503 service_unavailable with Retry-After instead of a 500,
 * and jobs simply try again. The signs differ by layer, hence the list:
 * - PostgreSQL SQLSTATEs: class 08 (connection exception), 57P01 admin shutdown (a restart or
 *   failover ended our backend), 57P02 crash shutdown, 57P03 cannot connect now (starting or
 *   shutting down), 53300 too many connections;
 * - socket errors from node (refused, reset, timed out, unreachable);
 * - pg's own messages for a connection that died or never came up (they carry no code);
 * - knex/tarn's pool acquisition timeout (DATABASE_ACQUIRE_TIMEOUT_MS: every connection is dead or
 *   still connecting);
 * - knex's "Transaction query already complete": the next query of a transaction whose connection
 *   was cut (57P01 on a restart) meets the transaction knex already ended for that reason.
 * MikroORM wraps driver errors but keeps `code`; some wrappers keep the original as `cause`.
 */
const SQLSTATES = new Set(["57P01", "57P02", "57P03", "53300"]);
const SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "ENOTFOUND",
]);
const MESSAGES = [
  /Connection terminated/i,
  /connection error and is not queryable/i,
  /timeout exceeded when trying to connect/i,
  /Timeout acquiring a connection/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /terminating connection due to administrator command/i,
  /Transaction query already complete/i,
];

interface Coded {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  cause?: unknown;
}

export function isServiceUnavailableError(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== "object" || depth > 3) return false;
  const { code, name, message, cause } = err as Coded;
  if (typeof code === "string" && (code.startsWith("08") || SQLSTATES.has(code) || SOCKET_CODES.has(code))) return true;
  if (name === "KnexTimeoutError") return true;
  if (typeof message === "string" && MESSAGES.some((m) => m.test(message))) return true;
  // AggregateError (node's dual-stack connect) and wrappers.
  const inner = (err as { errors?: unknown[] }).errors;
  if (Array.isArray(inner) && inner.some((e) => isServiceUnavailableError(e, depth + 1))) return true;
  return isServiceUnavailableError(cause, depth + 1);
}
