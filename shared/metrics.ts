import { createHash, timingSafeEqual } from "node:crypto";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { config } from "./config.js";

/**
 * Every Prometheus metric of both processes, in one registry: the web serves it at /metrics, the
 * worker on its own small HTTP server (worker/metricsServer.ts). Prometheus sums per-process series.
 * deploy/prometheus/alerts.yml and deploy/grafana/nexus.json name only metrics from this file and
 * prom-client's defaults; test/observability.test.ts checks each is really exported.
 * Labels stay bounded: command and job names, error codes, templates, never ids or URLs.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

const registers = [registry];

export const httpDuration = new Histogram({
  name: "http_request_duration_seconds",
  help: "HTTP request duration by route pattern",
  labelNames: ["method", "route", "status"] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers,
});

/**
 * Every command through the door (execute()): outcome "ok", or the API error code it refused with
 * ("dates_unavailable" is a booking conflict), or "error" for anything else. A command may name a
 * finer outcome of a success (a payment's settlement: succeeded, failed, refunded…).
 */
export const commandsTotal = new Counter({
  name: "nexus_commands_total",
  help: "Commands run, by command and outcome (ok, an API error code, or the command's own outcome)",
  labelNames: ["command", "outcome"] as const,
  registers,
});
export const commandDuration = new Histogram({
  name: "nexus_command_duration_seconds",
  help: "Command duration, transaction and publishing included",
  labelNames: ["command"] as const,
  buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers,
});

export const eventsPublished = new Counter({
  name: "nexus_events_published_total",
  help: "Events handed to the Socket.IO adapter (Redis streams), by type",
  labelNames: ["type"] as const,
  registers,
});
export const eventPublishLag = new Histogram({
  name: "nexus_event_publish_lag_seconds",
  help: "From an event's commit (its created_at) to its publication",
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers,
});
/** Set by startEventRelay(): reads the backlog's age from PostgreSQL at scrape time. */
let backlogProbe: (() => Promise<number>) | null = null;
export function probeEventBacklog(probe: (() => Promise<number>) | null): void {
  backlogProbe = probe;
}
export const eventBacklogAge = new Gauge({
  name: "nexus_event_backlog_age_seconds",
  help: "Age of the oldest committed event not yet published (0: none): the publish lag as it stands",
  registers,
  async collect() {
    if (backlogProbe) this.set(await backlogProbe().catch(() => Number.NaN));
  },
});
export const eventRelayLeader = new Gauge({
  name: "nexus_event_relay_leader",
  help: "1 in the one process whose event relay leads (orders and publishes every event), else 0",
  registers,
});
export const publishFailures = new Counter({
  name: "nexus_event_publish_failures_total",
  help: "Publish attempts that failed (Redis down): the relay sends those events later",
  registers,
});

export const socketsConnected = new Gauge({
  name: "nexus_sockets_connected",
  help: "Socket.IO connections open on this web process",
  registers,
});

export const jobRuns = new Counter({
  name: "nexus_job_runs_total",
  help: "Job runs by job and outcome: completed, retry (failed, will run again), failed (gave up)",
  labelNames: ["job", "outcome"] as const,
  registers,
});
export const jobDuration = new Histogram({
  name: "nexus_job_duration_seconds",
  help: "Job run duration",
  labelNames: ["job"] as const,
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  registers,
});

export const emailsTotal = new Counter({
  name: "nexus_emails_total",
  help: "Emails by template and outcome (sent, failed)",
  labelNames: ["template", "outcome"] as const,
  registers,
});

export const cacheRequests = new Counter({
  name: "nexus_cache_requests_total",
  help: "Cache lookups by cache and result (hit, miss)",
  labelNames: ["cache", "result"] as const,
  registers,
});

/**
 * Search reads with DATABASE_REPLICA_URL set, by where they ran: "replica" (caught up at once),
 * "replica_waited" (after waiting for the last search-changing commit to replay), or the primary as a
 * fallback: "fallback_timeout" (not replayed within REPLICA_MAX_WAIT_MS), "fallback_unknown" (Redis away,
 * or no commit position known), "fallback_error" (the replica failed or is away).
 */
export const replicaReads = new Counter({
  name: "nexus_search_replica_reads_total",
  help: "Search reads by where they ran: replica, replica_waited, fallback_timeout, fallback_unknown, fallback_error",
  labelNames: ["result"] as const,
  registers,
});
export const replicaWait = new Histogram({
  name: "nexus_search_replica_wait_seconds",
  help: "Time a search waited for the replica to replay the last search-changing commit (fallbacks included)",
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1],
  registers,
});

export const databaseErrors = new Counter({
  name: "nexus_database_errors_total",
  help: "PostgreSQL unreachable (connection lost, refused, restarting): requests answered 503, jobs retried",
  registers,
});
export const redisErrors = new Counter({
  name: "nexus_redis_errors_total",
  help: "Redis connection errors, by client purpose",
  labelNames: ["client"] as const,
  registers,
});

/**
 * Refunds Chapa reports that we did not ask for (or did): "ours", "booking_cancelled" (an upcoming
 * stay), "flagged" (the stay had begun: an operator must review it; alert NexusRefundAfterCheckIn).
 * Counted in the settling transaction, so a retried one may count twice: erring towards an alert.
 */
export const providerRefunds = new Counter({
  name: "nexus_provider_refunds_total",
  help: "Refunds found at Chapa, by what they did to the booking (ours, booking_cancelled, flagged)",
  labelNames: ["result"] as const,
  registers,
});

export const workerHeartbeat = new Gauge({
  name: "nexus_worker_heartbeat_timestamp_seconds",
  help: "Last time this worker's loop was alive (unix seconds); stale means a stuck or dead worker",
  registers,
});

const digest = (value: string) => createHash("sha256").update(value).digest();

/**
 * Who may read the metrics (the web's /metrics and the worker's): with METRICS_TOKEN, only
 * `Authorization: Bearer <METRICS_TOKEN>` ("denied" otherwise); without it, production has them off
 * (answered as an unknown path) while development and tests keep them open for local scraping.
 */
export function metricsAccess(authorization: string | undefined): "allowed" | "denied" | "off" {
  if (!config.METRICS_TOKEN) return config.NODE_ENV === "production" ? "off" : "allowed";
  const given = /^Bearer\s+(.+)$/i.exec(authorization ?? "")?.[1]?.trim() ?? "";
  return timingSafeEqual(digest(given), digest(config.METRICS_TOKEN)) ? "allowed" : "denied";
}
