/**
 * The one spelling of an email we store, compare and count rate limits on. The column is citext,
 * so the database would match any case anyway; lowercasing here keeps logs and limits consistent.
 */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
