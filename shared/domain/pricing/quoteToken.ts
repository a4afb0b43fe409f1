import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { config } from "../../config.js";
import { currencySchema } from "../currency.js";
import { type PriceBreakdown, priceLineSchema } from "./priceStay.js";

/**
 * The quote→booking agreement (one scheme, see the README's pricing section): every quote carries a
 * short-lived signed token (QUOTE_TOKEN_MINUTES) holding the stay it priced and its lines. A booking
 * that presents it keeps exactly those lines, whatever the host changed in between; a booking that
 * presents none is priced at the moment it is made. An expired token still counts when the price has
 * not moved; when it has, the booking answers 409 price_changed and the client asks for a new quote.
 *
 * Format: base64url(JSON payload) "." base64url(HMAC-SHA256). The key is JWT_SECRET, domain-separated
 * by the "nexus.quote.v1." prefix of the signed text, so a JWT signature never verifies as a quote.
 */
const payloadSchema = z.object({
  listingId: z.string(),
  checkIn: z.string(),
  checkOut: z.string(),
  guests: z.int(),
  lines: z.array(priceLineSchema),
  total: z.int(),
  currency: currencySchema,
  /** Milliseconds since the epoch. */
  exp: z.number(),
});
export type QuotePayload = z.infer<typeof payloadSchema>;

const PREFIX = "nexus.quote.v1.";
const sign = (body: string) =>
  createHmac("sha256", config.JWT_SECRET)
    .update(PREFIX + body)
    .digest("base64url");

export interface QuotedStay {
  listingId: string;
  checkIn: string;
  checkOut: string;
  guests: number;
}

export function signQuote(
  stay: QuotedStay,
  price: PriceBreakdown,
  now = Date.now(),
): { token: string; expiresAt: string } {
  const exp = now + config.QUOTE_TOKEN_MINUTES * 60_000;
  const payload: QuotePayload = { ...stay, lines: price.lines, total: price.total, currency: price.currency, exp };
  const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
  return { token: `${body}.${sign(body)}`, expiresAt: new Date(exp).toISOString() };
}

export type QuoteCheck =
  | { ok: true; payload: QuotePayload; expired: boolean }
  | { ok: false; reason: "malformed" | "forged" | "another_stay" };

/** Whether a token is ours, for this stay, and still fresh. Never throws on any string. */
export function checkQuote(token: string, stay: QuotedStay, now = Date.now()): QuoteCheck {
  const [body, mac, ...rest] = token.split(".");
  if (!body || !mac || rest.length) return { ok: false, reason: "malformed" };
  const expected = Buffer.from(sign(body));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: "forged" };
  let parsed: z.ZodSafeParseResult<QuotePayload>;
  try {
    parsed = payloadSchema.safeParse(JSON.parse(Buffer.from(body, "base64url").toString("utf8")));
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (!parsed.success) return { ok: false, reason: "malformed" };
  const p = parsed.data;
  if (
    p.listingId !== stay.listingId ||
    p.checkIn !== stay.checkIn ||
    p.checkOut !== stay.checkOut ||
    p.guests !== stay.guests
  ) {
    return { ok: false, reason: "another_stay" };
  }
  return { ok: true, payload: p, expired: p.exp <= now };
}
