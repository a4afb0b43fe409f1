import { z } from "zod";

/**
 * The one way a string from outside (a body, a query string, a path parameter, a header, a socket
 * payload, a webhook) becomes a value of ours. Every factory refuses what no field of ours can hold:
 * NUL (PostgreSQL text and jsonb cannot store it: the query fails) and lone surrogates (they cannot
 * be encoded as UTF-8, so the stored text would silently differ from what was checked). Single-line
 * fields (names, titles, emails, cities, references) also refuse control characters (CR and LF end
 * up in email headers and logs), line separators and invisible format characters (bidi overrides
 * that reorder what a reader sees, zero-width characters that make two names look the same), and
 * values that are empty once invisible characters are left out.
 */

/** Lone surrogate halves: with the `u` flag a well-formed pair is one code point and does not match. */
const LONE_SURROGATE = /\p{Cs}/u;
/** C0/C1 controls, line and paragraph separators, format characters except ZWNJ and ZWJ (needed in some scripts and emoji). */
const NOT_SINGLE_LINE = /[\p{Cc}\u2028\u2029]|(?![\u200C\u200D])\p{Cf}/u;
/** Controls other than tab, LF and CR; bidi embeddings, overrides and isolates ("Trojan Source" reordering). */
const NOT_MULTI_LINE = /(?![\t\n\r])\p{Cc}|[\u202A-\u202E\u2066-\u2069]/u;
/** What renders as nothing: format characters, spaces, combining marks alone, Hangul fillers, the braille blank. */
const INVISIBLE = /[\p{Cf}\p{Z}\p{M}\s\u115F\u1160\u3164\uFFA0\u2800]/gu;

type Kind = "singleLine" | "multiLine" | "secret";

/** The reason `value` cannot be taken as `kind` of text, or null. */
function unsafeTextReason(value: string, kind: Kind): string | null {
  if (value.includes("\u0000")) return "must not contain NUL characters";
  if (LONE_SURROGATE.test(value)) return "must not contain unpaired surrogates (not valid Unicode)";
  if (kind === "singleLine" && NOT_SINGLE_LINE.test(value))
    return "must be one line without control or invisible formatting characters";
  if (kind === "multiLine" && NOT_MULTI_LINE.test(value))
    return "must not contain control characters or bidirectional overrides";
  return null;
}

const refuseUnsafe = (kind: Kind, min: number) => (ctx: z.core.ParsePayload<string>) => {
  const reason = unsafeTextReason(ctx.value, kind);
  if (reason) ctx.issues.push({ code: "custom", message: reason, input: ctx.value });
  // Only once the length check passed, so "   " is told it is empty once, not twice.
  else if (min > 0 && kind !== "secret" && ctx.value.length >= min && ctx.value.replace(INVISIBLE, "") === "")
    ctx.issues.push({ code: "custom", message: "must not be empty", input: ctx.value });
};

export interface TextOptions {
  /** Most characters (UTF-16 code units, after trimming). */
  max: number;
  /** Fewest characters after trimming; 1 by default (0 allows ""). */
  min?: number;
  /** Wording of the length errors, where a field has its own (the create-admin script prints them). */
  messages?: { min?: string; max?: string };
}

const minMessage = (min: number) => (min === 1 ? "must not be empty" : `must be at least ${min} characters`);

function text(kind: "singleLine" | "multiLine", { max, min = 1, messages = {} }: TextOptions) {
  let schema = z.string().trim();
  if (min > 0) schema = schema.min(min, messages.min ?? minMessage(min));
  return schema.max(max, messages.max ?? `must be at most ${max} characters`).check(refuseUnsafe(kind, min));
}

/** One line of text (a name, a title, an email, a city, a reference): trimmed, bounded, visible. */
export const singleLine = (options: TextOptions) => text("singleLine", options);

/** Free text that may span lines (a description, a message, a comment): trimmed and bounded. */
export const multiLine = (options: TextOptions) => text("multiLine", options);

/**
 * A secret (a password): taken exactly as sent, never trimmed (a space may be part of it), any
 * character but NUL and lone surrogates, which would hash differently from what the user typed.
 */
export const secret = ({ max, min = 1, messages = {} }: TextOptions) =>
  z
    .string()
    .min(min, messages.min ?? minMessage(min))
    .max(max, messages.max ?? `must be at most ${max} characters`)
    .check(refuseUnsafe("secret", min));

/**
 * A whole number sent as text (a query string): digits only, so "", "1e3", "0x10", " 5" and
 * "true" are refused rather than coerced, then bounded.
 */
export const digits = ({ min, max }: { min: number; max: number }) =>
  z
    .string()
    .regex(/^\d{1,16}$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .meta({ description: `A whole number from ${min} to ${max}.` });

/** NUL and lone surrogates, which neither PostgreSQL text nor jsonb can hold, become U+FFFD. */
const storable = (text: string) => text.replaceAll("\u0000", "\uFFFD").replace(/\p{Cs}/gu, "\uFFFD");

/**
 * JSON of an already-parsed value, with every NUL and lone surrogate (in keys and strings) replaced by
 * U+FFFD, so that jsonb takes it: for records we must keep whatever arrived (a signed webhook), where
 * refusing would only make the sender retry. The value's nesting is bounded by the body parser.
 */
export function storableJson(value: unknown): string {
  const clean = (v: unknown): unknown => {
    if (typeof v === "string") return storable(v);
    if (Array.isArray(v)) return v.map(clean);
    if (v && typeof v === "object") {
      return Object.fromEntries(Object.entries(v).map(([k, inner]) => [storable(k), clean(inner)]));
    }
    return v;
  };
  return JSON.stringify(clean(value)) ?? "null";
}
