import { randomBytes, randomInt } from "node:crypto";
import { CHAPA_CURRENCIES, type ChapaCurrency } from "../../shared/payments/chapa/client.js";

const isChapaCurrency = (value: unknown): value is ChapaCurrency =>
  (CHAPA_CURRENCIES as readonly unknown[]).includes(value);

export type SandboxPaymentStatus = "pending" | "success" | "failed" | "refunded";
export type WebhookEvent = "charge.success" | "charge.failed" | "charge.refunded";

export interface DeliveryAttempt {
  attempt: number;
  at: string;
  /** null when no HTTP answer came back (connection refused, timeout). */
  httpStatus: number | null;
  error?: string;
}

export interface WebhookDelivery {
  id: number;
  event: WebhookEvent;
  /** `dropped`: lost on purpose (drop mode); `cancelled`: the sandbox closed before it was delivered. */
  state: "pending" | "delivered" | "gave_up" | "dropped" | "cancelled";
  attempts: DeliveryAttempt[];
}

export interface CallbackCall {
  at: string;
  url: string;
  httpStatus: number | null;
  error?: string;
}

export interface SandboxRefund {
  /** Chapa's numeric id of the refund (`data.id`). */
  id: number;
  refundReference: string;
  /** Where it came from: the merchant's API call, or Chapa's side (dashboard, dispute: the control). */
  origin: "api" | "provider";
  merchantReference: string | null;
  amount: string;
  reason: string | null;
  createdAt: string;
}

export interface SandboxTransaction {
  checkoutId: string;
  txRef: string;
  /** Chapa's own reference for the charge, distinct from our tx_ref. */
  reference: string;
  /** The decimal string the merchant sent, normalised to two decimals. */
  amount: string;
  currency: ChapaCurrency;
  email: string;
  firstName: string;
  lastName: string;
  callbackUrl: string | null;
  returnUrl: string | null;
  customization: { title: string | null; description: string | null; logo: string | null };
  meta: unknown;
  status: SandboxPaymentStatus;
  createdAt: string;
  updatedAt: string;
  /** The latest refund. */
  refund: SandboxRefund | null;
  /** Every refund, oldest first; their amounts add up to at most `amount`. */
  refunds: SandboxRefund[];
  webhooks: WebhookDelivery[];
  callbacks: CallbackCall[];
}

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** Chapa's references look like `APezQ1KKswbb`. */
export function newChapaReference(prefix = "AP"): string {
  let suffix = "";
  for (let i = 0; i < 10; i++) suffix += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return `${prefix}${suffix}`;
}

export function newCheckoutId(): string {
  return randomBytes(12).toString("base64url");
}

/** Chapa (Laravel) timestamps carry microseconds: `2023-02-02T07:05:23.000000Z`. */
export function chapaTimestamp(date = new Date()): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

/** Positive decimal with at most two places, as Chapa takes amounts: "125.50", "100". */
export function parseDecimalAmount(value: unknown): string | null {
  if (typeof value !== "string" || !/^\d+(\.\d{1,2})?$/.test(value.trim())) return null;
  const [whole, fraction = ""] = value.trim().split(".");
  const minor = Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
  if (minor <= 0 || !Number.isSafeInteger(minor)) return null;
  return `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, "0")}`;
}

export function toMinor(amount: string): number {
  const [whole, fraction = "00"] = amount.split(".");
  return Number(whole) * 100 + Number(fraction);
}

/** A flat fee of 3.5% stands in for Chapa's charge; only its presence matters to callers. */
function chargeOf(tx: SandboxTransaction): string {
  const minor = Math.round(toMinor(tx.amount) * 0.035);
  return `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, "0")}`;
}

/** `data` of `GET /v1/transaction/verify/:tx_ref`; Chapa returns the amounts there as JSON numbers. */
export function verifyData(tx: SandboxTransaction) {
  return {
    first_name: tx.firstName,
    last_name: tx.lastName,
    email: tx.email,
    currency: tx.currency,
    amount: Number(tx.amount),
    charge: Number(chargeOf(tx)),
    mode: "test",
    method: "test",
    type: "API",
    status: tx.status,
    reference: tx.reference,
    tx_ref: tx.txRef,
    customization: tx.customization,
    meta: tx.meta ?? null,
    created_at: tx.createdAt,
    updated_at: tx.updatedAt,
  };
}

/** A webhook body: flat, with the amounts as decimal strings, as Chapa sends them. */
export function webhookPayload(tx: SandboxTransaction, event: WebhookEvent) {
  return {
    event,
    first_name: tx.firstName,
    last_name: tx.lastName,
    email: tx.email,
    mobile: null,
    currency: tx.currency,
    amount: tx.amount,
    charge: chargeOf(tx),
    status: event === "charge.success" ? "success" : event === "charge.failed" ? "failed" : "refunded",
    failure_reason: event === "charge.failed" ? "Declined on the sandbox checkout page" : null,
    mode: "test",
    reference: tx.reference,
    created_at: tx.createdAt,
    updated_at: tx.updatedAt,
    type: "API",
    tx_ref: tx.txRef,
    payment_method: "test",
    customization: tx.customization,
    meta: tx.meta ?? null,
    ...(event === "charge.refunded" && tx.refund
      ? { refund_reference: tx.refund.refundReference, refund_amount: tx.refund.amount }
      : {}),
  };
}

/** What is left to refund of a transaction, in minor units. */
export function refundableMinor(tx: SandboxTransaction): number {
  return toMinor(tx.amount) - tx.refunds.reduce((sum, r) => sum + toMinor(r.amount), 0);
}

export function eventFor(status: SandboxPaymentStatus): WebhookEvent | null {
  if (status === "success") return "charge.success";
  if (status === "failed") return "charge.failed";
  if (status === "refunded") return "charge.refunded";
  return null;
}

const REQUIRED_FIELDS = ["amount", "currency", "tx_ref", "email", "first_name", "last_name"] as const;

/** Raised inside routes; the error middleware turns it into Chapa's `{message, status: "failed", data: null}`. */
export class ChapaHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Validates a `POST /v1/transaction/initialize` body the way Chapa does and builds the pending transaction. */
export function transactionFromInitialize(body: Record<string, unknown>): SandboxTransaction {
  for (const field of REQUIRED_FIELDS) {
    const value = body[field];
    if (value === undefined || value === null || value === "") {
      throw new ChapaHttpError(400, `The ${field.replace("_", " ")} field is required.`);
    }
  }
  if (!isChapaCurrency(body.currency)) throw new ChapaHttpError(400, "Invalid currency");
  const amount = parseDecimalAmount(body.amount);
  if (!amount) throw new ChapaHttpError(400, "The amount must be a positive number with at most two decimals.");
  if (typeof body.email !== "string" || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(body.email)) {
    throw new ChapaHttpError(400, "The email must be a valid email address.");
  }
  const callbackUrl = optionalUrl(body.callback_url, "callback url");
  const returnUrl = optionalUrl(body.return_url, "return url");

  const customization = (body.customization ?? {}) as Record<string, unknown>;
  const now = chapaTimestamp();
  return {
    checkoutId: newCheckoutId(),
    txRef: String(body.tx_ref),
    reference: newChapaReference(),
    amount,
    currency: body.currency,
    email: body.email,
    firstName: String(body.first_name),
    lastName: String(body.last_name),
    callbackUrl,
    returnUrl,
    customization: {
      title: typeof customization.title === "string" ? customization.title : null,
      description: typeof customization.description === "string" ? customization.description : null,
      logo: typeof customization.logo === "string" ? customization.logo : null,
    },
    meta: body.meta ?? null,
    status: "pending",
    createdAt: now,
    updatedAt: now,
    refund: null,
    refunds: [],
    webhooks: [],
    callbacks: [],
  };
}

function optionalUrl(value: unknown, label: string): string | null {
  if (value === undefined || value === null || value === "") return null;
  try {
    const url = new URL(String(value));
    // The caller's spelling is kept: Chapa redirects to return_url exactly as given.
    if (url.protocol === "http:" || url.protocol === "https:") return String(value);
  } catch {
    // Falls through to the validation error below.
  }
  throw new ChapaHttpError(400, `The ${label} must be a valid URL.`);
}
