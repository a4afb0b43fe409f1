import { stdSerializers } from "pino";

/**
 * What keeps secrets out of the logs (shared/logger.ts uses all three):
 * - REDACT_PATHS: keys that hold credentials, at the top level and two levels down (pino's `redact`);
 * - serializeError: errors, database ones above all, logged by SQLSTATE, constraint and table. knex
 *   (under MikroORM) puts the whole statement with its bound values into the message and the stack
 *   (`insert into "users" … values ('ada@…', 'scrypt$…') - duplicate key …`), and PostgreSQL's `detail`
 *   and `where` quote the row: none of that is kept;
 * - redactUrl: credentials in query strings of logged URLs.
 */

const SECRET_KEYS = [
  "authorization",
  "cookie",
  "set-cookie",
  "x-chapa-signature",
  "chapa-signature",
  "token",
  "accessToken",
  "access_token",
  "refreshToken",
  "password",
  "currentPassword",
  "newPassword",
  "passwordHash",
  "password_hash",
  "secret",
  "secretKey",
  "apiKey",
  "JWT_SECRET",
  "CHAPA_SECRET_KEY",
  "CHAPA_WEBHOOK_SECRET",
  "METRICS_TOKEN",
];

const path = (key: string) => (/^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`);
const join = (prefix: string, key: string) =>
  path(key).startsWith("[") ? `${prefix}${path(key)}` : `${prefix}.${key}`;

/** Every secret key at depth 0, 1 and 2 (e.g. `token`, `body.password`, `req.headers.authorization`). */
export const REDACT_PATHS: string[] = SECRET_KEYS.flatMap((key) => [path(key), join("*", key), join("*.*", key)]);

export const REDACTED = "[Redacted]";

const SECRET_QUERY = /([?&](?:token|access_token|auth|password|secret|key|api_key|signature)=)[^&#]*/gi;

/** `/x?token=abc&page=2` → `/x?token=[Redacted]&page=2`. */
export function redactUrl(url: unknown): unknown {
  return typeof url === "string" ? url.replace(SECRET_QUERY, `$1${REDACTED}`) : url;
}

// knex's message: `<the statement with its values inlined> - <PostgreSQL's message>`, MikroORM adds
// `\n - detail: <detail>` lines.
const STATEMENT = /^\s*\(?\s*(select|insert|update|delete|with|merge|create|alter|drop|truncate|lock|copy|call|do)\b/i;

/** A message with the statement and any `detail:` lines cut out; other messages unchanged. */
function scrubMessage(message: string): string {
  const [first = "", ...rest] = message.split("\n");
  const kept = rest.filter((line) => !/^\s*-\s*(detail|where|internal query):/i.test(line));
  if (!STATEMENT.test(first)) return [first, ...kept].join("\n");
  const separator = first.lastIndexOf(" - ");
  const serverMessage = separator >= 0 ? first.slice(separator + 3) : "query failed";
  return [`[query omitted] - ${serverMessage}`, ...kept].join("\n");
}

/** PostgreSQL's detail names the columns and quotes the values; keep the first, never the second. */
function scrubDetail(detail: unknown): string | undefined {
  if (typeof detail !== "string") return undefined;
  const key = /^Key (\([^)]*\))=/.exec(detail);
  if (key) {
    const verb =
      / (already exists|is not present in table "[^"]*"|is still referenced from table "[^"]*"|conflicts with existing key)/.exec(
        detail,
      );
    return `Key ${key[1]}=(…)${verb ? ` ${verb[1]}` : ""}`;
  }
  if (detail.startsWith("Failing row contains")) return "Failing row contains (…)";
  return undefined;
}

const frames = (stack: unknown) =>
  typeof stack === "string"
    ? stack
        .split("\n")
        .filter((line) => /^\s+at /.test(line))
        .join("\n")
    : undefined;

interface DriverError extends Error {
  code?: string;
  sqlState?: string;
  severity?: string;
  constraint?: string;
  table?: string;
  schema?: string;
  column?: string;
  dataType?: string;
  routine?: string;
  detail?: string;
}

/** A PostgreSQL error, raw from pg or rethrown by MikroORM (which copies pg's fields onto its own). */
function isDriverError(err: DriverError): boolean {
  return typeof err.code === "string" && /^[0-9A-Z]{5}$/.test(err.code) && ("severity" in err || "routine" in err);
}

/** pino's `err` serializer: any error (or error message) made safe to log. */
export function serializeError(value: unknown): unknown {
  if (typeof value === "string") return scrubMessage(value);
  if (!(value instanceof Error)) return value;
  const err = value as DriverError;
  if (isDriverError(err)) {
    // Data exceptions (22…) may quote the rejected input at the end of the message.
    const message = scrubMessage(err.message).replace(/: ".*"$/s, "");
    return {
      type: err.name,
      message,
      code: err.code,
      constraint: err.constraint,
      table: err.table,
      schema: err.schema,
      column: err.column,
      dataType: err.dataType,
      routine: err.routine,
      detail: scrubDetail(err.detail),
      stack: frames(err.stack),
    };
  }
  const serialized = stdSerializers.err(err) as unknown as Record<string, unknown>;
  serialized.message = scrubMessage(err.message);
  serialized.stack = `${err.name}: ${serialized.message}\n${frames(err.stack) ?? ""}`;
  for (const [key, nested] of Object.entries(serialized)) {
    if (nested instanceof Error || key === "sql" || key === "bindings" || key === "params" || key === "query") {
      serialized[key] = nested instanceof Error ? serializeError(nested) : REDACTED;
    }
  }
  if (err.cause !== undefined) serialized.cause = serializeError(err.cause);
  return serialized;
}
