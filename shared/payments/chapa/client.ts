import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * The currencies Chapa charges in (its API's vocabulary, kept here: infrastructure does not import
 * the domain). The domain's CURRENCIES must be among them: startPayment passes a booking's currency
 * here, so TypeScript checks that.
 */
export const CHAPA_CURRENCIES = ["ETB", "USD"] as const;
export type ChapaCurrency = (typeof CHAPA_CURRENCIES)[number];
/** `data.status` of a verified transaction; Chapa may add others, so unknown values pass through. */
export type ChapaPaymentStatus = "success" | "failed" | "pending" | "refunded" | (string & {});
export type ChapaMode = "test" | "live";

export interface ChapaClientOptions {
  /** API base including the version: `https://api.chapa.co/v1`, or `<sandbox url>/v1`. */
  baseUrl: string;
  secretKey: string;
  /** Per attempt, not per call: a call may take (maxRetries + 1) × timeoutMs plus backoff. */
  timeoutMs: number;
  maxRetries?: number;
  retryBaseMs?: number;
  /** Called before each retry, so the caller can log it without the client depending on a logger. */
  onRetry?: (info: { method: string; path: string; attempt: number; delayMs: number; reason: string }) => void;
}

export interface ChapaInitializeInput {
  /** Integer minor units (cents): 12550 is sent to Chapa as "125.50". */
  amount: number;
  currency: ChapaCurrency;
  txRef: string;
  email: string;
  firstName: string;
  lastName: string;
  callbackUrl: string;
  returnUrl: string;
  title?: string;
  description?: string;
  meta?: Record<string, unknown>;
}

export interface ChapaVerifiedTransaction {
  found: true;
  status: ChapaPaymentStatus;
  /** Integer minor units, parsed from Chapa's decimal. */
  amount: number;
  currency: string;
  mode: ChapaMode;
  reference: string | null;
  txRef: string;
  /** Chapa's `data` as received, for audit logs. */
  data: Record<string, unknown>;
}

export interface ChapaTransactionNotFound {
  found: false;
  txRef: string;
  message: string;
}

export type ChapaVerifyResult = ChapaVerifiedTransaction | ChapaTransactionNotFound;

export interface ChapaRefundInput {
  reason: string;
  /** Integer minor units; omitted means the full amount. */
  amount?: number;
  /** Our unique id for this refund request. */
  reference?: string;
}

export interface ChapaRefundResult {
  message: string;
  data: Record<string, unknown> | null;
}

export interface ChapaClient {
  initialize(input: ChapaInitializeInput): Promise<{ checkoutUrl: string }>;
  verify(txRef: string): Promise<ChapaVerifyResult>;
  refund(txRef: string, input: ChapaRefundInput): Promise<ChapaRefundResult>;
}

/** A failed Chapa call. `status` is null when no HTTP answer arrived (network error or timeout, after retries). */
export class ChapaError extends Error {
  override readonly name = "ChapaError";

  constructor(
    message: string,
    readonly status: number | null,
    readonly chapaMessage: string | null,
    readonly body: unknown = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A fresh tx_ref. We generate and store it before calling Chapa, so a crash between the two leaves a row we can
 * reconcile instead of a payment we know nothing about.
 */
export function newTxRef(): string {
  return `nx-${randomBytes(12).toString("base64url")}`;
}

/** 12550 → "125.50". Both currencies Chapa takes (ETB, USD) have two decimals. */
export function toChapaAmount(minorUnits: number): string {
  if (!Number.isSafeInteger(minorUnits) || minorUnits < 0) {
    throw new RangeError(`amount must be a non-negative integer of minor units, got ${minorUnits}`);
  }
  return `${Math.floor(minorUnits / 100)}.${String(minorUnits % 100).padStart(2, "0")}`;
}

/**
 * "125.50", "125.5" or 125.5 → 12550. Parsed from the digits rather than multiplied as a float, and a third
 * significant decimal is refused rather than rounded: a rounded amount could hide a mismatch with what we stored.
 */
export function fromChapaAmount(value: string | number): number {
  const text = typeof value === "number" ? String(value) : value.trim();
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  const fraction = (match?.[2] ?? "").replace(/0+$/, "");
  if (!match || fraction.length > 2) throw new RangeError(`not a Chapa amount: ${JSON.stringify(value)}`);
  const minor = Number(match[1]) * 100 + Number(fraction.padEnd(2, "0"));
  if (!Number.isSafeInteger(minor)) throw new RangeError(`Chapa amount out of range: ${JSON.stringify(value)}`);
  return minor;
}

type RequestBody = { json: unknown } | { form: URLSearchParams };

interface ChapaEnvelope {
  message?: unknown;
  status?: unknown;
  data?: unknown;
}

export function createChapaClient(options: ChapaClientOptions): ChapaClient {
  const { secretKey, timeoutMs, maxRetries = 3, retryBaseMs = 200, onRetry } = options;
  const baseUrl = options.baseUrl.replace(/\/+$/, "");

  async function send(method: string, path: string, body?: RequestBody) {
    const headers: Record<string, string> = { authorization: `Bearer ${secretKey}`, accept: "application/json" };
    let payload: string | undefined;
    if (body && "json" in body) {
      headers["content-type"] = "application/json";
      payload = JSON.stringify(body.json);
    } else if (body) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      payload = body.form.toString();
    }

    for (let attempt = 0; ; attempt++) {
      let reason: string;
      try {
        const response = await fetch(`${baseUrl}${path}`, {
          method,
          headers,
          body: payload,
          signal: AbortSignal.timeout(timeoutMs),
        });
        const text = await response.text();
        if (response.status < 500 || attempt >= maxRetries) return { status: response.status, body: parseBody(text) };
        reason = `HTTP ${response.status}`;
      } catch (error) {
        if (attempt >= maxRetries) {
          throw new ChapaError(`Chapa ${method} ${path} failed: ${describe(error)}`, null, null, null, {
            cause: error,
          });
        }
        reason = describe(error);
      }
      // Exponential backoff with jitter, so many callers failing together do not retry in lockstep.
      const ceiling = retryBaseMs * 2 ** attempt;
      const delayMs = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
      onRetry?.({ method, path, attempt: attempt + 1, delayMs, reason });
      await sleep(delayMs);
    }
  }

  function fail(method: string, path: string, status: number, body: ChapaEnvelope | string, problem?: string): never {
    const chapaMessage = typeof body === "string" ? body.slice(0, 200) : messageOf(body.message);
    const detail = problem ?? chapaMessage;
    throw new ChapaError(`Chapa ${method} ${path} answered ${status}: ${detail}`, status, chapaMessage, body);
  }

  return {
    async initialize(input) {
      const path = "/transaction/initialize";
      const { status, body } = await send("POST", path, {
        json: {
          amount: toChapaAmount(input.amount),
          currency: input.currency,
          tx_ref: input.txRef,
          email: input.email,
          first_name: input.firstName,
          last_name: input.lastName,
          callback_url: input.callbackUrl,
          return_url: input.returnUrl,
          customization: { title: input.title, description: input.description },
          meta: input.meta,
        },
      });
      // A retried initialize whose first attempt reached Chapa comes back as "Transaction reference has been
      // used before"; the caller sees that ChapaError and can verify the tx_ref instead of starting over.
      if (!isSuccess(status, body)) fail("POST", path, status, body);
      const checkoutUrl = asRecord(body.data)?.checkout_url;
      if (typeof checkoutUrl !== "string") fail("POST", path, status, body, "response has no checkout_url");
      return { checkoutUrl };
    },

    async verify(txRef) {
      const path = `/transaction/verify/${encodeURIComponent(txRef)}`;
      const { status, body } = await send("GET", path);
      if (isNotFound(status, body)) return { found: false, txRef, message: messageOf((body as ChapaEnvelope).message) };
      if (!isSuccess(status, body)) fail("GET", path, status, body);
      const data = asRecord(body.data);
      if (!data) fail("GET", path, status, body, "response has no data");
      try {
        const mode = data.mode;
        if (mode !== "test" && mode !== "live") throw new RangeError(`unknown mode ${JSON.stringify(mode)}`);
        return {
          found: true,
          status: String(data.status) as ChapaPaymentStatus,
          amount: fromChapaAmount(data.amount as string | number),
          currency: String(data.currency),
          mode,
          reference: typeof data.reference === "string" ? data.reference : null,
          txRef: typeof data.tx_ref === "string" ? data.tx_ref : txRef,
          data,
        };
      } catch (error) {
        throw new ChapaError(`Chapa GET ${path}: unexpected payload: ${describe(error)}`, status, null, body, {
          cause: error,
        });
      }
    },

    async refund(txRef, input) {
      const path = `/refund/${encodeURIComponent(txRef)}`;
      const form = new URLSearchParams({ reason: input.reason });
      if (input.amount !== undefined) form.set("amount", toChapaAmount(input.amount));
      if (input.reference !== undefined) form.set("reference", input.reference);
      const { status, body } = await send("POST", path, { form });
      if (!isSuccess(status, body)) fail("POST", path, status, body);
      return { message: messageOf(body.message), data: asRecord(body.data) };
    },
  };
}

function parseBody(text: string): ChapaEnvelope | string {
  try {
    const parsed: unknown = JSON.parse(text);
    return asRecord(parsed) ?? text;
  } catch {
    // Gateways and proxies in front of Chapa answer with HTML; keep the text for the error message.
    return text;
  }
}

function isSuccess(status: number, body: ChapaEnvelope | string): body is ChapaEnvelope {
  // The top-level status says only whether the call worked; the payment outcome is `data.status`.
  return status >= 200 && status < 300 && typeof body !== "string" && body.status === "success";
}

function isNotFound(status: number, body: ChapaEnvelope | string): boolean {
  if (typeof body === "string") return false;
  return status === 404 || (status === 400 && /not found/i.test(messageOf(body.message)));
}

/** Chapa's message is a string, or for validation errors a map of field → messages. */
function messageOf(message: unknown): string {
  if (typeof message === "string") return message;
  const record = asRecord(message);
  if (!record) return "no message";
  return Object.entries(record)
    .map(([field, value]) => `${field}: ${Array.isArray(value) ? value.join(", ") : String(value)}`)
    .join("; ");
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
  return `${error.name}: ${error.message}${cause}`;
}
