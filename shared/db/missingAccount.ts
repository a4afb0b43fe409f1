/**
 * A foreign-key violation (23503) on a reference to `users`: the row being written names an account
 * that no longer exists. Every user id a request writes is its caller's (the others are read from rows
 * in the same transaction), so this means a valid token of a deleted account: 401, not a 500.
 * MikroORM wraps the driver's error but keeps `code` and `detail` (or the original as `cause`).
 */
export function isMissingAccountError(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== "object" || depth > 3) return false;
  const { code, detail, cause } = err as { code?: unknown; detail?: unknown; cause?: unknown };
  if (code === "23503" && typeof detail === "string" && /is not present in table "users"/.test(detail)) return true;
  return isMissingAccountError(cause, depth + 1);
}
