import { config } from "../../config.js";
import { logger } from "../../logger.js";
import { type ChapaClient, type ChapaMode, createChapaClient } from "./client.js";

let shared: ChapaClient | null = null;
let forSignals: ChapaClient | null = null;

/** The Chapa client both processes use, from config (base URL, secret key, timeout); created once. */
export function chapaFromConfig(): ChapaClient {
  shared ??= createChapaClient({
    baseUrl: config.CHAPA_BASE_URL,
    secretKey: config.CHAPA_SECRET_KEY,
    timeoutMs: config.CHAPA_TIMEOUT_MS,
    onRetry: (info) => logger.warn(info, "Chapa call failed; retrying"),
  });
  return shared;
}

/**
 * The same client without retries, for the unsigned signals anyone can send (payment return, callback):
 * one signal costs at most one request to Chapa. If that fails, the stored status is told and the
 * webhook (retried by Chapa) or reconciliation settles the payment.
 */
export function chapaForSignalsFromConfig(): ChapaClient {
  forSignals ??= createChapaClient({
    baseUrl: config.CHAPA_BASE_URL,
    secretKey: config.CHAPA_SECRET_KEY,
    timeoutMs: config.CHAPA_TIMEOUT_MS,
    maxRetries: 0,
  });
  return forSignals;
}

/** Chapa's mode for a secret key: test keys start with CHASECK_TEST-, every other key is live. */
export function chapaModeOf(secretKey: string = config.CHAPA_SECRET_KEY): ChapaMode {
  return secretKey.startsWith("CHASECK_TEST-") ? "test" : "live";
}
