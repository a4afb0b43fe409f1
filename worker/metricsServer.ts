import { createServer, type Server } from "node:http";
import { Gauge } from "prom-client";
import { config } from "../shared/config.js";
import type { Orm } from "../shared/db/orm.js";
import { logger } from "../shared/logger.js";
import { metricsAccess, registry, workerHeartbeat } from "../shared/metrics.js";

const HEARTBEAT_EVERY_MS = 5000;

/**
 * Due, running, scheduled and failed jobs per job name, read from Agenda's table at each scrape (the
 * PostgreSQL job store; the same query's "due or running" count is what KEDA scales workers on,
 * deploy/k8s/overlays/prod/worker-scaledobject.yaml). A failed read leaves the last values.
 */
function queueDepthGauge(orm: Orm): Gauge<"job" | "state"> {
  return new Gauge({
    name: "nexus_jobs",
    help: "Jobs in the store by job name and state (due, running, scheduled, failed)",
    labelNames: ["job", "state"] as const,
    registers: [registry],
    async collect() {
      try {
        const rows = await orm.em.getConnection().execute<{ name: string; state: string; count: string }[]>(
          `select name, state, count(*)::text as count from (
             select name, case when locked_at is not null then 'running'
                               when failed_at is not null and next_run_at is null then 'failed'
                               when next_run_at <= now() then 'due'
                               else 'scheduled' end as state
               from agenda_jobs where not disabled and (next_run_at is not null or locked_at is not null
                                                        or failed_at is not null)) j
           group by name, state`,
        );
        this.reset();
        for (const r of rows) this.set({ job: r.name, state: r.state }, Number(r.count));
      } catch (err) {
        logger.debug({ err: (err as Error).message }, "queue depth not read");
      }
    },
  });
}

/**
 * The worker's own small HTTP server (it serves no API): `/metrics` for Prometheus, under the same
 * access rule as the web's, and `/healthz` for a liveness probe: 200 while the heartbeat (a `select 1`
 * every 5 s) is fresh, 503 once it is 30 s old. Off unless WORKER_METRICS_PORT is set.
 */
export function startMetricsServer(orm: Orm, options: { postgresStore: boolean }): { close(): Promise<void> } {
  if (options.postgresStore) queueDepthGauge(orm);
  let lastBeat = Date.now();
  const beat = async () => {
    try {
      await orm.em.getConnection().execute("select 1");
      lastBeat = Date.now();
      workerHeartbeat.set(lastBeat / 1000);
    } catch {
      // PostgreSQL away: the heartbeat goes stale, which is the point.
    }
  };
  void beat();
  const timer = setInterval(beat, HEARTBEAT_EVERY_MS);
  timer.unref();

  const port = config.WORKER_METRICS_PORT;
  let server: Server | null = null;
  if (port !== undefined) {
    server = createServer((req, res) => {
      const send = (status: number, type: string, body: string) => {
        res.writeHead(status, { "content-type": type });
        res.end(body);
      };
      const error = (status: number, code: string, message: string) =>
        send(status, "application/json", JSON.stringify({ error: { code, message, details: [] } }));
      if (req.method !== "GET") return error(405, "method_not_allowed", "Only GET is served here.");
      if (req.url === "/healthz") {
        const fresh = Date.now() - lastBeat < 30_000;
        return send(fresh ? 200 : 503, "application/json", JSON.stringify({ status: fresh ? "ok" : "stale" }));
      }
      if (req.url !== "/metrics") return error(404, "not_found", "The route was not found.");
      const access = metricsAccess(req.headers.authorization);
      if (access === "off") return error(404, "not_found", "The route was not found.");
      if (access === "denied") {
        res.setHeader("WWW-Authenticate", 'Bearer realm="metrics"');
        return error(401, "unauthenticated", "/metrics requires Authorization: Bearer <METRICS_TOKEN>.");
      }
      registry.metrics().then(
        (body) => send(200, registry.contentType, body),
        (err) => error(500, "internal_error", (err as Error).message),
      );
    });
    server.listen(port, () => logger.info({ port }, "worker metrics listening"));
  }
  return {
    close: async () => {
      clearInterval(timer);
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
  };
}
