/** Ids are UUIDs (API.md). Something else cannot name a row, so callers answer "not found" without asking PostgreSQL, where a malformed uuid would be an error. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}
