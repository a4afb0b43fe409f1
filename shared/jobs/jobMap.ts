/**
 * Every job the worker runs: name → payload. Producers (web, relay, cron) and handlers share it,
 * so a payload mismatch is a compile error.
 */
export interface JobMap {
  /** Does nothing: diagnostics and the queue benchmark. */
  ping: { sentAt?: number; sleepMs?: number };
}

export type JobName = keyof JobMap;
export const JOB_NAMES: readonly JobName[] = ["ping"];
