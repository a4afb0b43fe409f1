import { createHmac, timingSafeEqual } from "node:crypto";

/** Node's IncomingHttpHeaders (lower-case keys), a plain record, or a fetch `Headers`. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

/** Hex HMAC-SHA256 of the exact body bytes, keyed with the webhook secret: Chapa's `x-chapa-signature`. */
export function signWebhookBody(rawBody: string | Buffer, secret: string): string {
  return createHmac("sha256", secret).update(rawBody).digest("hex");
}

/** Hex HMAC-SHA256 of the secret keyed with itself: Chapa's `chapa-signature`. */
export function chapaSignature(secret: string): string {
  return createHmac("sha256", secret).update(secret).digest("hex");
}

/**
 * True when the delivery carries a valid Chapa signature.
 *
 * `x-chapa-signature` covers the body, so when it is present it alone decides: a valid `chapa-signature` must
 * not rescue a body whose own signature fails, because `chapa-signature` is the same value on every delivery
 * and anyone who saw one webhook could replay it over a forged body. Only a delivery without
 * `x-chapa-signature` falls back to `chapa-signature`. Even a valid signature is a signal, not proof of
 * payment: callers still verify the transaction with Chapa before acting.
 */
export function verifyWebhookSignature(rawBody: string | Buffer, headers: WebhookHeaders, secret: string): boolean {
  if (!secret) return false;
  const bodySignature = readHeader(headers, "x-chapa-signature");
  if (bodySignature !== undefined) return safeEqualHex(bodySignature, signWebhookBody(rawBody, secret));
  const secretSignature = readHeader(headers, "chapa-signature");
  if (secretSignature !== undefined) return safeEqualHex(secretSignature, chapaSignature(secret));
  return false;
}

function readHeader(headers: WebhookHeaders, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

function safeEqualHex(received: string, expected: string): boolean {
  const a = Buffer.from(received.trim().toLowerCase(), "utf8");
  const b = Buffer.from(expected, "utf8");
  // timingSafeEqual throws on unequal lengths; the length of a hex digest is public, so checking it leaks nothing.
  return a.length === b.length && timingSafeEqual(a, b);
}
