import type { Logger } from "pino";
import { chapaSignature, signWebhookBody } from "../../shared/payments/chapa/signature.js";
import {
  type CallbackCall,
  chapaTimestamp,
  type SandboxTransaction,
  type WebhookDelivery,
  type WebhookEvent,
  webhookPayload,
} from "./transactions.js";

export interface NotifierOptions {
  webhookUrl: string | null;
  webhookSecret: string;
  retryIntervalMs: number;
  maxRetries: number;
  /** Per delivery attempt and per callback call. */
  timeoutMs: number;
  logger: Logger;
}

/** Sends the signals Chapa sends after a payment: the signed webhook (with retries) and the callback GET. */
export function createNotifier(options: NotifierOptions) {
  const { webhookUrl, webhookSecret, retryIntervalMs, maxRetries, timeoutMs, logger } = options;
  const timers = new Set<NodeJS.Timeout>();
  // Aborts in-flight requests on close, so a test that closes the sandbox leaves no socket or timer behind.
  const closing = new AbortController();
  const inFlight = new Set<WebhookDelivery>();
  let dropWebhooks = false;
  let nextDeliveryId = 1;

  function signal(): AbortSignal {
    return AbortSignal.any([closing.signal, AbortSignal.timeout(timeoutMs)]);
  }

  async function attempt(tx: SandboxTransaction, delivery: WebhookDelivery, body: string, n: number): Promise<void> {
    if (closing.signal.aborted || !webhookUrl) return;
    let httpStatus: number | null = null;
    let error: string | undefined;
    try {
      const response = await fetch(webhookUrl, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-chapa-signature": signWebhookBody(body, webhookSecret),
          "chapa-signature": chapaSignature(webhookSecret),
        },
        body,
        signal: signal(),
      });
      httpStatus = response.status;
      await response.arrayBuffer();
    } catch (err) {
      error = describe(err);
    }
    if (closing.signal.aborted) return;
    delivery.attempts.push({ attempt: n, at: chapaTimestamp(), httpStatus, ...(error ? { error } : {}) });
    const log = { txRef: tx.txRef, event: delivery.event, attempt: n, httpStatus, error };

    if (httpStatus !== null && httpStatus >= 200 && httpStatus < 300) {
      delivery.state = "delivered";
      inFlight.delete(delivery);
      logger.info(log, "webhook delivered");
      return;
    }
    if (n > maxRetries) {
      delivery.state = "gave_up";
      inFlight.delete(delivery);
      logger.warn(log, "webhook not delivered; retries exhausted");
      return;
    }
    logger.warn({ ...log, retryInMs: retryIntervalMs }, "webhook not delivered; will retry");
    const timer = setTimeout(() => {
      timers.delete(timer);
      void attempt(tx, delivery, body, n + 1);
    }, retryIntervalMs);
    timers.add(timer);
  }

  return {
    setDropWebhooks(enabled: boolean) {
      dropWebhooks = enabled;
    },

    get dropWebhooks() {
      return dropWebhooks;
    },

    /** `force` sends even in drop mode: it is the explicit "re-send now" of the control surface. */
    webhook(tx: SandboxTransaction, event: WebhookEvent, force = false): WebhookDelivery {
      const delivery: WebhookDelivery = { id: nextDeliveryId++, event, state: "pending", attempts: [] };
      tx.webhooks.push(delivery);
      if (!webhookUrl || (dropWebhooks && !force)) {
        delivery.state = "dropped";
        logger.info({ txRef: tx.txRef, event, webhookUrl }, "webhook dropped");
        return delivery;
      }
      inFlight.add(delivery);
      // Serialised once: every retry carries the same bytes and so the same signature, as Chapa's do.
      const body = JSON.stringify(webhookPayload(tx, event));
      void attempt(tx, delivery, body, 1);
      return delivery;
    },

    /** Chapa's callback: one GET to `callback_url` with `trx_ref`, `ref_id` and `status`; not retried. */
    callback(tx: SandboxTransaction): void {
      if (!tx.callbackUrl) return;
      const url = new URL(tx.callbackUrl);
      url.searchParams.set("trx_ref", tx.txRef);
      url.searchParams.set("ref_id", tx.reference);
      url.searchParams.set("status", tx.status);
      const record: CallbackCall = { at: chapaTimestamp(), url: url.toString(), httpStatus: null };
      tx.callbacks.push(record);
      void fetch(url, { signal: signal() })
        .then(async (response) => {
          record.httpStatus = response.status;
          await response.arrayBuffer();
          logger.info({ txRef: tx.txRef, url: record.url, httpStatus: response.status }, "callback called");
        })
        .catch((err: unknown) => {
          record.error = describe(err);
          if (!closing.signal.aborted) logger.warn({ txRef: tx.txRef, error: record.error }, "callback failed");
        });
    },

    close(): void {
      closing.abort();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const delivery of inFlight) delivery.state = "cancelled";
      inFlight.clear();
    },
  };
}

export type Notifier = ReturnType<typeof createNotifier>;

/** fetch hides the useful part (ECONNREFUSED, a timeout) in `cause`. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? ` (${err.cause.message})` : "";
  return `${err.name}: ${err.message}${cause}`;
}
