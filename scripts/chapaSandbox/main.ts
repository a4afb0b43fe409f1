import { pino } from "pino";
import { createChapaSandbox, SANDBOX_DEFAULTS } from "./sandbox.js";

/**
 * `npm run chapa:sandbox`: an offline stand-in for Chapa's v1 API (see sandbox.ts). Configured from the
 * environment only, and deliberately not from shared/config.ts: it is a separate process that must start
 * without the app's database and Redis settings.
 */
const logger = pino({ name: "chapa-sandbox", base: { pid: process.pid, proc: "chapa-sandbox" } });

function integerEnv(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    logger.fatal({ variable: name, value: raw }, `${name} must be an integer >= ${min}`);
    process.exit(1);
  }
  return value;
}

const port = integerEnv("CHAPA_SANDBOX_PORT", 4010, 0);
const secretKey = process.env.CHAPA_SECRET_KEY || SANDBOX_DEFAULTS.secretKey;
if (!secretKey.startsWith("CHASECK_TEST-")) {
  logger.warn("CHAPA_SECRET_KEY is not a test key (CHASECK_TEST-…); the sandbox only ever runs in test mode");
}

const sandbox = createChapaSandbox({
  secretKey,
  webhookSecret: process.env.CHAPA_WEBHOOK_SECRET || SANDBOX_DEFAULTS.webhookSecret,
  webhookUrl: process.env.CHAPA_WEBHOOK_URL || SANDBOX_DEFAULTS.webhookUrl,
  retryIntervalMs: integerEnv("CHAPA_SANDBOX_RETRY_INTERVAL_MS", SANDBOX_DEFAULTS.retryIntervalMs, 1),
  maxRetries: integerEnv("CHAPA_SANDBOX_MAX_RETRIES", SANDBOX_DEFAULTS.maxRetries, 0),
  // Resolved after listen() when unset, so port 0 still yields working checkout URLs.
  publicUrl: process.env.CHAPA_SANDBOX_PUBLIC_URL || undefined,
  controlToken: process.env.CHAPA_SANDBOX_CONTROL_TOKEN || SANDBOX_DEFAULTS.controlToken,
  logger,
});

const host = process.env.CHAPA_SANDBOX_HOST || "127.0.0.1";
if (!process.env.CHAPA_SANDBOX_CONTROL_TOKEN && !/^(127\.|localhost$|::1$)/.test(host)) {
  logger.warn("the /__sandbox controls use the published default token; set CHAPA_SANDBOX_CONTROL_TOKEN");
}
const url = await sandbox.listen(port, host);
logger.info(
  { url, apiBaseUrl: `${url}/v1`, webhookUrl: process.env.CHAPA_WEBHOOK_URL || SANDBOX_DEFAULTS.webhookUrl },
  "chapa sandbox listening",
);

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "chapa sandbox stopping");
    sandbox.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, "chapa sandbox failed to close cleanly");
        process.exit(1);
      },
    );
  });
}
