import { type DestinationStream, pino } from "pino";
import { config } from "./config.js";
import { REDACT_PATHS, REDACTED, redactUrl, serializeError } from "./logRedaction.js";

/**
 * The options of every logger of ours: credentials redacted wherever they sit, errors (database ones
 * above all) serialized without statements or values (logRedaction.ts), and URLs without tokens.
 */
const loggerOptions = {
  level: config.LOG_LEVEL,
  base: { pid: process.pid, proc: process.env.NEXUS_PROCESS ?? undefined },
  redact: { paths: REDACT_PATHS, censor: REDACTED },
  serializers: { err: serializeError, error: serializeError, cause: serializeError, url: redactUrl },
};

/** A logger with our options writing to `destination` (tests read what would have been logged). */
export function createLogger(destination: DestinationStream) {
  return pino(loggerOptions, destination);
}

/** Pretty, human logs in development; JSON lines everywhere else. */
export const logger = pino({
  ...loggerOptions,
  ...(config.NODE_ENV === "development" && process.stdout.isTTY !== false
    ? {
        transport: {
          target: "pino-pretty",
          options: { translateTime: "HH:MM:ss.l", ignore: "pid,hostname,proc", singleLine: true },
        },
      }
    : {}),
});

export type Logger = typeof logger;
