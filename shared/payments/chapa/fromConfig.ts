import { config } from "../../config.js";
import { logger } from "../../logger.js";
import { type ChapaClient, type ChapaMode, createChapaClient } from "./client.js";

let shared: ChapaClient | null = null;

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

/** Chapa's mode for a secret key: test keys start with CHASECK_TEST-, every other key is live. */
export function chapaModeOf(secretKey: string = config.CHAPA_SECRET_KEY): ChapaMode {
  return secretKey.startsWith("CHASECK_TEST-") ? "test" : "live";
}
