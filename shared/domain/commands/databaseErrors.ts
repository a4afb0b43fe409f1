import { ForeignKeyConstraintViolationException, UniqueConstraintViolationException } from "@mikro-orm/postgresql";
import { type AppError, conflict, validationFailed } from "../../errors.js";

/**
 * The PostgreSQL refusals a command may expect, by kind. MikroORM classifies unique and foreign-key
 * violations (it keeps the SQLSTATE in `code` for all of them); exclusion and range errors are read
 * from the SQLSTATE alone.
 */
export type DatabaseRefusal = "unique" | "exclusion" | "foreignKey" | "range" | "check";

/** What a command declares: per kind, the API error, or a function of the constraint (undefined: not ours). */
export type DatabaseErrorRules = Partial<
  Record<DatabaseRefusal, AppError | ((constraint: string | undefined) => AppError | undefined)>
>;

interface PgError {
  code?: string;
  constraint?: string;
  message?: string;
}

export function refusalOf(err: unknown): DatabaseRefusal | null {
  const code = (err as PgError | null)?.code;
  if (err instanceof UniqueConstraintViolationException || code === "23505") return "unique";
  if (err instanceof ForeignKeyConstraintViolationException || code === "23503") return "foreignKey";
  if (code === "23P01") return "exclusion";
  if (code === "23514") return "check";
  // numeric_value_out_of_range, datetime_field_overflow, interval_field_overflow, invalid datetime format
  if (code === "22003" || code === "22008" || code === "22015" || code === "22007") return "range";
  return null;
}

/*
 * What every command gets unless it says otherwise: the only exclusion constraint keeps bookings from
 * overlapping, and a value out of a column's range is bad input (a 400, never a 500). Unique and
 * foreign-key violations have no default: one a command did not expect is a bug, and stays a 500.
 */
const DEFAULTS: DatabaseErrorRules = {
  exclusion: conflict("dates_unavailable", "Those dates are not available for this listing."),
  range: validationFailed([{ path: "(body)", message: "a value is out of range" }]),
};

/**
 * The one place a PostgreSQL error becomes an API error: the command's rule for its kind, else the
 * default, else the error itself (a 500 from the error middleware).
 */
export function mapDatabaseError(err: unknown, rules: DatabaseErrorRules = {}): unknown {
  const kind = refusalOf(err);
  if (!kind) return err;
  const rule = rules[kind] ?? DEFAULTS[kind];
  if (!rule) return err;
  if (typeof rule !== "function") return rule;
  const e = err as PgError;
  // MikroORM keeps the driver's constraint; older paths only name it in the message.
  return rule(e.constraint ?? e.message) ?? err;
}

/** A rule that applies to one constraint only (matched by name). */
export function onConstraint(name: string, error: AppError): (constraint: string | undefined) => AppError | undefined {
  return (constraint) => (constraint?.includes(name) ? error : undefined);
}
