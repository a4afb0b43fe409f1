import { pino } from "pino";
import { config } from "./config.js";

/** Pretty, human logs in development; JSON lines everywhere else. */
export const logger = pino({
  level: config.LOG_LEVEL,
  base: { pid: process.pid, proc: process.env.NEXUS_PROCESS ?? undefined },
  redact: ["req.headers.authorization", "password", "*.password", "token"],
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
