/** What the worker samples every CRON_SAMPLE_OPERATIONS_EVERY (ops_samples, and the ops.sample event). */
export interface OpsGauges {
  at: string;
  /** Socket.IO connections open on every live web instance together. */
  sockets: number;
  /** Jobs due and waiting for a worker (Agenda's "queued"). */
  queueDepth: number;
  /** Jobs whose last run failed (waiting for a retry or out of attempts). */
  failedJobs: number;
}

/** One minute of the operations page's series. */
export interface OpsMinute {
  /** The minute's start, ISO-8601 UTC. */
  minute: string;
  bookings: number;
  payments: { succeeded: number; failed: number };
  /** Failed logins by country code ("??": unknown or private address). */
  loginFailures: Record<string, number>;
  /** The minute's last sample, when there is one. */
  gauges: Omit<OpsGauges, "at"> | null;
}

/**
 * The admins' live update (`ops.update` on the "ops" room), at most once a second: what the event
 * pipeline published since the last one, and the latest gauges if a sample came.
 */
export interface OpsUpdate {
  at: string;
  bookings: number;
  payments: { succeeded: number; failed: number };
  loginFailures: Record<string, number>;
  gauges: OpsGauges | null;
}
