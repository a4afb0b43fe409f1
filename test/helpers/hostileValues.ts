import fc from "fast-check";

/**
 * fast-check arbitraries of hostile input: what an attacker or a broken client sends in place of a
 * field. Strings carry NUL, lone surrogates, controls, bidi overrides, zero-width and invisible
 * characters, injection payloads and sizes around and beyond every limit; numbers are huge, negative,
 * fractional or unsafe; values of the wrong type, deeply nested ones and prototype keys come too.
 */

const SPECIAL_CHARS = [
  "\u0000",
  "\ud800",
  "\udfff",
  "\u0007",
  "\u001b",
  "\r",
  "\n",
  "\t",
  "\u007f",
  "\u0085",
  "\u00ad",
  "\u200b",
  "\u200d",
  "\u202e",
  "\u2066",
  "\u2028",
  "\ufeff",
  "\uffff",
  "\u3164",
  "\u0301",
  "😀",
  "ሰ",
];

const PAYLOADS = [
  "",
  " ",
  "\u200b",
  "\u3164",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "Ada\r\nBcc: victim@example.test",
  "\u202egnp.exe",
  "' or 1=1 --",
  "'); drop table users; --",
  "<script>alert(1)</script>",
  "$" + "{jndi:ldap://x}",
  "{{7*7}}",
  "../../../../etc/passwd",
  "%00",
  "%ZZ",
  "__proto__",
  "constructor",
  "toString",
  "null",
  "true",
  "-1",
  "1e400",
  "0x10",
  "NaN",
  "2030-02-30",
  "0000-01-01",
  "99999-01-01",
  "00000000-0000-0000-0000-000000000000",
];

/** One character, from the troublesome ones or any UTF-16 code unit (so also lone surrogates). */
const hostileChar = fc.oneof(
  fc.constantFrom(...SPECIAL_CHARS),
  fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
  fc.constantFrom("a", "Z", "5", " ", "-", "@", "."),
);

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...PAYLOADS) },
  { weight: 4, arbitrary: fc.string({ unit: hostileChar, maxLength: 40 }) },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.constantFrom("Ada", "ok@example.test", "Addis"), hostileChar).map(([a, b]) => a + b),
  },
  // Around and beyond every length limit (the longest field takes 5,000 characters; the body 100 kB).
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(101, 121, 201, 256, 321, 2001, 5001, 60_000, 120_000), hostileChar)
      .map(([n, c]) => "x".repeat(n - 1) + c),
  },
);

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(0, -0, -1, 1.5, 1e308, -1e308, 2 ** 31, 2 ** 53, 2 ** 53 + 2, -(2 ** 63), 5e-324, 2 ** 53 + 1),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

/** A JSON value nested `depth` levels (arrays or objects), built without recursion. */
export function nested(depth: number, kind: "array" | "object"): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = kind === "array" ? [value] : { a: value };
  return value;
}

/** Keys that reach Object.prototype when code merges or copies carelessly; JSON.parse makes them own keys. */
export const prototypeKeys = JSON.parse(
  '{"__proto__": {"role": "admin", "isAdmin": true}, "constructor": {"prototype": {"role": "admin"}}, "prototype": 1}',
) as Record<string, unknown>;

export const wrongType: fc.Arbitrary<unknown> = fc.constantFrom(
  null,
  true,
  false,
  [],
  {},
  [5],
  [""],
  { $ne: "" },
  { $gt: 0 },
  prototypeKeys,
  "",
);

/** Anything in place of a JSON field. */
export const hostileJsonValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: hostileString },
  { weight: 2, arbitrary: hostileNumber },
  { weight: 2, arbitrary: wrongType },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 20, max: 3000 }), fc.constantFrom("array" as const, "object" as const))
      .map(([depth, kind]) => nested(depth, kind)),
  },
);

/** A whole body that is not the object the operation takes: raw text sent as application/json. */
export const hostileRawBody: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('"text"', "5", "null", "true", "[]", "[{}]", "{", '{"a":', "{}}", "\ufeff{}", '{"a":"\\u0000"}'),
  fc.constantFrom('{"a":"\\ud800"}', '{"__proto__":{"role":"admin"}}', '{"constructor":{"prototype":{"x":1}}}'),
  fc.integer({ min: 33, max: 40_000 }).map((n) => "[".repeat(n) + "]".repeat(n)),
  fc.integer({ min: 33, max: 20_000 }).map((n) => `${'{"a":'.repeat(n)}1${"}".repeat(n)}`),
  fc.constant(`{"pad":"${"x".repeat(110_000)}"}`),
);

/** A header value fetch can send (tab, printable ASCII and 0x80-0xFF; no DEL, CR, LF or NUL): the server decides the rest. */
export const hostileHeaderValue: fc.Arbitrary<string> = fc.oneof(
  fc.string({
    unit: fc
      .integer({ min: 0x20, max: 0xff })
      .filter((c) => c !== 0x7f)
      .map((c) => String.fromCharCode(c)),
    maxLength: 40,
  }),
  fc.constantFrom("\t", "key\tkey", "\u00ff\u00fe", "x".repeat(256), "x".repeat(255), " padded ", "%00", "ok-key"),
);

/** Percent-encodes the UTF-8 bytes of a text (a lone surrogate becomes U+FFFD, as in any client). */
export const percentEncode = (text: string) =>
  [...Buffer.from(text, "utf8")]
    .map((byte) =>
      /[A-Za-z0-9\-._~]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16)}`,
    )
    .join("");

/** What goes into a URL (path segment or query value): encoded text, or raw escapes that decode badly. */
export const hostileUrlPart: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: hostileString.filter((s) => s.length < 3000).map(percentEncode) },
  {
    weight: 1,
    arbitrary: fc.constantFrom("%00", "%ZZ", "%", "%ED%A0%80", "%C0%AF", "%E2%80%AE", "%0D%0A", "..", "%2e%2e"),
  },
);
