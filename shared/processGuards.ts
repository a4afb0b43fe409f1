import { logger } from "./logger.js";

/**
 * The last line of defence of a long-running process (web, worker): a promise rejected with nobody
 * listening is logged, not fatal. Node's default (exit) turns one missed `.catch` in a library's
 * fire-and-forget call — Agenda unlocks jobs and runs its queue that way, and such calls fail while
 * PostgreSQL restarts — into the death of every process at once. Our own code handles its errors
 * where they happen; this catches what a dependency leaves unhandled, and says so loudly.
 * Uncaught exceptions still end the process: after a synchronous throw nothing is known to be sound.
 */
export function guardProcess(): void {
  let count = 0;
  process.on("unhandledRejection", (reason) => {
    count++;
    const err = reason instanceof Error ? { message: reason.message, stack: reason.stack } : { reason };
    logger.error({ err, count }, "unhandled promise rejection (the process keeps running)");
  });
}
