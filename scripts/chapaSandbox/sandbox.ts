import { createHash, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { bodyParser } from "@koa/bodyparser";
import { Router } from "@koa/router";
import Koa from "koa";
import { type Logger, pino } from "pino";
import { KNOWN_DEFAULTS } from "../../shared/knownDefaults.js";
import { renderCheckoutPage, renderDonePage, renderNotFoundPage } from "./checkoutPage.js";
import { createNotifier } from "./notifier.js";
import {
  ChapaHttpError,
  chapaTimestamp,
  eventFor,
  newChapaReference,
  parseDecimalAmount,
  refundableMinor,
  type SandboxRefund,
  type SandboxTransaction,
  toMinor,
  transactionFromInitialize,
  verifyData,
  type WebhookEvent,
} from "./transactions.js";

export interface ChapaSandboxOptions {
  /** The only Bearer key the API accepts. */
  secretKey?: string;
  webhookSecret?: string;
  /** Where webhooks are POSTed; null sends none. */
  webhookUrl?: string | null;
  /** Chapa retries a failed webhook every 10 minutes; tests shorten it. */
  retryIntervalMs?: number;
  maxRetries?: number;
  /** Base for checkout_url; defaults to the address the sandbox listens on. */
  publicUrl?: string;
  /** Per webhook attempt and callback call. */
  notifyTimeoutMs?: number;
  /** Defaults to a silent logger, so tests stay quiet. */
  logger?: Logger;
  /** Bearer token the /__sandbox/* controls require (they change what "Chapa" answers). */
  controlToken?: string;
}

export interface ChapaSandbox {
  /** Resolves to the base URL (`http://host:port`); the Chapa API base is `<url>/v1`. */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
  readonly url: string;
}

export const SANDBOX_DEFAULTS = {
  secretKey: KNOWN_DEFAULTS.chapaSecretKey,
  webhookSecret: KNOWN_DEFAULTS.chapaWebhookSecret,
  controlToken: KNOWN_DEFAULTS.sandboxControlToken,
  webhookUrl: "http://127.0.0.1:3000/api/v1/webhooks/chapa",
  retryIntervalMs: 600_000,
  maxRetries: 10,
  notifyTimeoutMs: 10_000,
} as const;

/** The headers a caller of the /__sandbox/* controls sends (tests, scripts/chaos). */
export function sandboxControlHeaders(token: string = SANDBOX_DEFAULTS.controlToken): Record<string, string> {
  return { authorization: `Bearer ${token}`, "content-type": "application/json" };
}

const NOT_FOUND = "Invalid transaction or Transaction not found";
const FAULT_MESSAGE = "Internal Server Error";

/**
 * An offline fake of Chapa's v1 API, faithful to the contract in issue 4 (error bodies included):
 *   POST /v1/transaction/initialize, GET /v1/transaction/verify/:tx_ref, POST /v1/refund/:tx_ref (Bearer key;
 *   partial refunds with `amount`, several up to the transaction's amount; the transaction is `refunded`
 *   once all of it is back, and each refund sends charge.refunded);
 *   GET /checkout/:id (hosted page with Pay/Fail), POST /checkout/:id/complete {"outcome": "success"|"failed"}.
 * Completing sends the signed webhook (retried every retryIntervalMs, up to maxRetries) and the callback GET.
 *
 * Sandbox-only test controls, which real Chapa does not have, live under /__sandbox/ and require
 * `Authorization: Bearer <controlToken>` (401 otherwise):
 *   GET  /__sandbox/health
 *   GET  /__sandbox/transactions/:tx_ref          full state, with webhook attempts and their HTTP statuses
 *   POST /__sandbox/webhooks/drop {"enabled"}     while enabled, webhooks are recorded as dropped, not sent
 *   POST /__sandbox/transactions/:tx_ref/webhook  re-send now (optional {"event"}), even in drop mode
 *   GET  /__sandbox/transactions                  every transaction, oldest first (what was charged, for checkers)
 *   POST /__sandbox/transactions/:tx_ref/refund   a refund made on Chapa's side (dashboard, dispute), not by the
 *                                                 merchant: optional {"amount", "reason"}; same rules and webhook
 *                                                 (charge.refunded) as the API's refund; answers the refund
 *   POST /__sandbox/faults {"status", "seconds"}  for that long, initialize, verify and refund answer `status`
 *                                                 (400-599) with Chapa's error body and change nothing;
 *                                                 {"status": null} ends it early. The checkout page is not affected.
 * State lives in memory and dies with the process.
 */
export function createChapaSandbox(options: ChapaSandboxOptions = {}): ChapaSandbox {
  const secretKey = options.secretKey ?? SANDBOX_DEFAULTS.secretKey;
  const logger = options.logger ?? pino({ level: "silent" });
  const notifier = createNotifier({
    webhookUrl: options.webhookUrl === undefined ? SANDBOX_DEFAULTS.webhookUrl : options.webhookUrl,
    webhookSecret: options.webhookSecret ?? SANDBOX_DEFAULTS.webhookSecret,
    retryIntervalMs: options.retryIntervalMs ?? SANDBOX_DEFAULTS.retryIntervalMs,
    maxRetries: options.maxRetries ?? SANDBOX_DEFAULTS.maxRetries,
    timeoutMs: options.notifyTimeoutMs ?? SANDBOX_DEFAULTS.notifyTimeoutMs,
    logger,
  });
  const byTxRef = new Map<string, SandboxTransaction>();
  const byCheckoutId = new Map<string, SandboxTransaction>();
  const usedRefundReferences = new Set<string>();
  let nextRefundId = 700;
  // An injected outage of the API (see /__sandbox/faults): until `until` (epoch ms), answer `status`.
  let fault: { status: number; until: number } | null = null;
  let baseUrl = "";
  let publicUrl = options.publicUrl?.replace(/\/+$/, "") ?? "";

  const app = new Koa();
  const router = new Router();

  app.use(async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw new ChapaHttpError(404, "Not Found");
    } catch (err) {
      const status = err instanceof ChapaHttpError ? err.status : ((err as { status?: number }).status ?? 500);
      // Client errors (our own, and the body parser's malformed JSON) carry a message meant for the caller.
      const expose = err instanceof ChapaHttpError || status < 500;
      ctx.status = status;
      ctx.body = { message: expose ? (err as Error).message : "Internal Server Error", status: "failed", data: null };
      if (status >= 500) logger.error({ err }, "sandbox error");
    } finally {
      const ms = Math.round(performance.now() - started);
      logger.info({ method: ctx.method, path: ctx.path, status: ctx.status, ms }, "request");
    }
  });
  app.use(bodyParser({ enableTypes: ["json", "form"] }));

  const requireKey: Koa.Middleware = async (ctx, next) => {
    // The fault answers before the key check: a Chapa outage does not look at who is asking.
    if (fault && Date.now() < fault.until) throw new ChapaHttpError(fault.status, FAULT_MESSAGE);
    const match = /^Bearer\s+(.+)$/i.exec(ctx.get("authorization"));
    if (match?.[1]?.trim() !== secretKey) throw new ChapaHttpError(401, "Invalid API Key or User doesn't exist");
    await next();
  };

  // Anyone reaching the controls could fake outages or replay webhooks: a token of its own, compared in constant time.
  const controlToken = createHash("sha256")
    .update(options.controlToken ?? SANDBOX_DEFAULTS.controlToken)
    .digest();
  const requireControlToken: Koa.Middleware = async (ctx, next) => {
    if (!ctx.path.startsWith("/__sandbox/")) return next();
    const given = /^Bearer\s+(.+)$/i.exec(ctx.get("authorization"))?.[1]?.trim() ?? "";
    if (!timingSafeEqual(createHash("sha256").update(given).digest(), controlToken)) {
      throw new ChapaHttpError(401, "The sandbox controls require Authorization: Bearer <control token>");
    }
    await next();
  };
  app.use(requireControlToken);

  function success(ctx: Koa.Context, message: string, data: unknown) {
    ctx.status = 200;
    ctx.body = { message, status: "success", data };
  }

  function findTransaction(txRef: string): SandboxTransaction {
    const tx = byTxRef.get(txRef);
    if (!tx) throw new ChapaHttpError(404, NOT_FOUND);
    return tx;
  }

  function complete(tx: SandboxTransaction, outcome: "success" | "failed") {
    tx.status = outcome;
    tx.updatedAt = chapaTimestamp();
    notifier.webhook(tx, outcome === "success" ? "charge.success" : "charge.failed");
    notifier.callback(tx);
  }

  router.post("/v1/transaction/initialize", requireKey, (ctx) => {
    const tx = transactionFromInitialize((ctx.request.body ?? {}) as Record<string, unknown>);
    if (byTxRef.has(tx.txRef)) throw new ChapaHttpError(400, "Transaction reference has been used before");
    byTxRef.set(tx.txRef, tx);
    byCheckoutId.set(tx.checkoutId, tx);
    success(ctx, "Hosted Link", { checkout_url: `${publicUrl}/checkout/${tx.checkoutId}` });
  });

  router.get("/v1/transaction/verify/:tx_ref", requireKey, (ctx) => {
    success(ctx, "Payment details", verifyData(findTransaction(ctx.params.tx_ref)));
  });

  /**
   * Refunds `body.amount` (decimal string; default all that remains) of a successful transaction, as
   * Chapa does: more than remains is refused, a used merchant reference is refused, and every refund
   * sends charge.refunded. The transaction becomes `refunded` once nothing remains.
   */
  function refund(tx: SandboxTransaction, body: Record<string, unknown>, origin: SandboxRefund["origin"]) {
    if (tx.status === "refunded") throw new ChapaHttpError(400, "Transaction has already been refunded");
    if (tx.status !== "success") throw new ChapaHttpError(400, "Only successful transactions can be refunded");
    const remaining = refundableMinor(tx);
    let minor = remaining;
    if (body.amount !== undefined && body.amount !== "") {
      const requested = parseDecimalAmount(typeof body.amount === "number" ? String(body.amount) : body.amount);
      if (!requested) throw new ChapaHttpError(400, "The amount must be a positive number with at most two decimals.");
      if (toMinor(requested) > toMinor(tx.amount)) {
        throw new ChapaHttpError(400, "The refund amount must not exceed the transaction amount");
      }
      if (toMinor(requested) > remaining) {
        throw new ChapaHttpError(400, "The refund amount must not exceed the amount left to refund");
      }
      minor = toMinor(requested);
    }
    const merchantReference = typeof body.reference === "string" && body.reference ? body.reference : null;
    if (merchantReference && usedRefundReferences.has(merchantReference)) {
      throw new ChapaHttpError(400, "Refund reference has been used before");
    }
    if (merchantReference) usedRefundReferences.add(merchantReference);

    const now = chapaTimestamp();
    const amount = `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, "0")}`;
    const reason = typeof body.reason === "string" && body.reason ? body.reason : null;
    const made: SandboxRefund = {
      id: nextRefundId++,
      refundReference: newChapaReference("MERC-DIS-REF-"),
      origin,
      merchantReference,
      amount,
      reason,
      createdAt: now,
    };
    tx.refunds.push(made);
    tx.refund = made;
    if (refundableMinor(tx) === 0) tx.status = "refunded";
    tx.updatedAt = now;
    notifier.webhook(tx, "charge.refunded");
    // Chapa's documented answer (developer docs, "Refund"): the refund as initiated.
    return {
      id: made.id,
      chapa_reference: tx.reference,
      bank_reference: newChapaReference("BL"),
      amount: made.amount,
      ref: made.refundReference,
      currency: tx.currency,
      status: "Refund Initiated",
      reason,
      merchant_reference: merchantReference,
      created_at: now,
      updated_at: now,
    };
  }

  router.post("/v1/refund/:tx_ref", requireKey, (ctx) => {
    // Chapa's docs have named this path parameter both tx_ref and Chapa's reference; accept either.
    const key = ctx.params.tx_ref;
    const tx = byTxRef.get(key) ?? [...byTxRef.values()].find((candidate) => candidate.reference === key);
    if (!tx) throw new ChapaHttpError(404, NOT_FOUND);
    const data = refund(tx, (ctx.request.body ?? {}) as Record<string, unknown>, "api");
    success(ctx, "Refund initiated successfully. Processing time: 1-3 business days", data);
  });

  router.get("/checkout/:id", (ctx) => {
    const tx = byCheckoutId.get(ctx.params.id);
    ctx.type = "html";
    ctx.status = tx ? 200 : 404;
    ctx.body = tx ? renderCheckoutPage(tx) : renderNotFoundPage();
  });

  router.post("/checkout/:id/complete", (ctx) => {
    const tx = byCheckoutId.get(ctx.params.id);
    if (!tx) throw new ChapaHttpError(404, NOT_FOUND);
    const outcome = ((ctx.request.body ?? {}) as Record<string, unknown>).outcome;
    if (outcome !== "success" && outcome !== "failed") {
      throw new ChapaHttpError(400, 'The outcome must be "success" or "failed".');
    }
    if (tx.status !== "pending") throw new ChapaHttpError(409, `Transaction has already been completed (${tx.status})`);
    complete(tx, outcome);

    // The HTML form posts urlencoded and expects the browser to land on the merchant's return_url.
    if (ctx.request.is("urlencoded")) {
      if (tx.returnUrl) return ctx.redirect(tx.returnUrl);
      ctx.type = "html";
      ctx.body = renderDonePage(tx);
      return;
    }
    ctx.body = { status: outcome, return_url: tx.returnUrl };
  });

  router.get("/__sandbox/health", (ctx) => {
    const activeFault = fault && Date.now() < fault.until ? { status: fault.status, until: fault.until } : null;
    ctx.body = { status: "ok", dropWebhooks: notifier.dropWebhooks, fault: activeFault };
  });

  router.get("/__sandbox/transactions", (ctx) => {
    ctx.body = { data: [...byTxRef.values()] };
  });

  router.post("/__sandbox/faults", (ctx) => {
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    if (body.status === null) {
      fault = null;
      ctx.body = { fault: null };
      return;
    }
    const { status, seconds } = body;
    if (typeof status !== "number" || !Number.isInteger(status) || status < 400 || status > 599) {
      throw new ChapaHttpError(400, "status must be an integer from 400 to 599, or null");
    }
    if (typeof seconds !== "number" || !(seconds > 0) || seconds > 3600) {
      throw new ChapaHttpError(400, "seconds must be a number above 0 and at most 3600");
    }
    fault = { status, until: Date.now() + seconds * 1000 };
    ctx.body = { fault };
  });

  router.post("/__sandbox/transactions/:tx_ref/refund", (ctx) => {
    const tx = findTransaction(ctx.params.tx_ref);
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    // No merchant reference: the merchant did not ask for this one.
    ctx.body = refund(
      tx,
      { amount: body.amount, reason: body.reason ?? "Refunded from the Chapa dashboard" },
      "provider",
    );
  });

  router.get("/__sandbox/transactions/:tx_ref", (ctx) => {
    ctx.body = findTransaction(ctx.params.tx_ref);
  });

  router.post("/__sandbox/webhooks/drop", (ctx) => {
    const enabled = ((ctx.request.body ?? {}) as Record<string, unknown>).enabled;
    if (typeof enabled !== "boolean") throw new ChapaHttpError(400, "enabled must be true or false");
    notifier.setDropWebhooks(enabled);
    ctx.body = { dropWebhooks: enabled };
  });

  router.post("/__sandbox/transactions/:tx_ref/webhook", (ctx) => {
    const tx = findTransaction(ctx.params.tx_ref);
    const requested = ((ctx.request.body ?? {}) as Record<string, unknown>).event;
    const event = (typeof requested === "string" ? requested : eventFor(tx.status)) as WebhookEvent | null;
    if (!event) throw new ChapaHttpError(409, "Transaction is still pending; there is no webhook to send");
    if (!["charge.success", "charge.failed", "charge.refunded"].includes(event)) {
      throw new ChapaHttpError(400, "Unknown event");
    }
    const delivery = notifier.webhook(tx, event, true);
    ctx.status = 202;
    ctx.body = { id: delivery.id, event, state: delivery.state };
  });

  app.use(router.routes());
  app.use(router.allowedMethods());
  const server = createServer(app.callback());

  return {
    async listen(port = 0, host = "127.0.0.1") {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          resolve();
        });
      });
      const { port: actualPort } = server.address() as AddressInfo;
      const reachableHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
      baseUrl = `http://${reachableHost}:${actualPort}`;
      publicUrl ||= baseUrl;
      return baseUrl;
    },

    async close() {
      notifier.close();
      if (!server.listening) return;
      const closed = new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
      // Keep-alive sockets from fetch would otherwise hold close() open for seconds.
      server.closeAllConnections();
      await closed;
    },

    get url() {
      return baseUrl;
    },
  };
}
