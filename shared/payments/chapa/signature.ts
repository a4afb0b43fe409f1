import { createHmac, timingSafeEqual } from "node:crypto";

/** Node's IncomingHttpHeaders (lower-case keys), a plain record, or a fetch `Headers`. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

/** Hex HMAC-SHA256 of the exact body bytes, keyed with the webhook secret: Chapa's `x-chapa-signature`. */
export function signWebhookBody(rawBody: string | Buffer, secret: string): string {
  return createHmac("sha256", secret).update(rawBody).digest("hex");
}

/**
 * Hex HMAC-SHA256 of the secret keyed with itself: Chapa's `chapa-signature`. Only the sandbox uses it (to send
 * what Chapa sends); we never accept it as proof of anything (see verifyWebhookSignature).
 */
export function chapaSignature(secret: string): string {
  return createHmac("sha256", secret).update(secret).digest("hex");
}

/**
 * True when the delivery carries a valid `x-chapa-signature`: the HMAC of its exact body bytes.
 *
 * `chapa-signature` (the HMAC of the secret itself) is ignored, with or without `x-chapa-signature`: it is the
 * same value on every delivery, so anyone who saw one webhook could replay it over a forged body; it proves
 * nothing about the body. Chapa sends both headers, so requiring the body's own signature loses no delivery.
 * Even a valid signature is a signal, not proof of payment: callers still verify the transaction with Chapa.
 */
export function verifyWebhookSignature(rawBody: string | Buffer, headers: WebhookHeaders, secret: string): boolean {
  if (!secret) return false;
  const bodySignature = readHeader(headers, "x-chapa-signature");
  return bodySignature !== undefined && safeEqualHex(bodySignature, signWebhookBody(rawBody, secret));
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
