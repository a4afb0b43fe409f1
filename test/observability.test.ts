import "./helpers/env.js";
import { execFile, spawnSync } from "node:child_process";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import test from "ava";
import { parse } from "yaml";
import { createGuest, createHost, createListing, day } from "./helpers/factories.js";
import { apiClient } from "./helpers/http.js";
import { freePort, type Spawned, spawnEntry } from "./helpers/processes.js";

/**
 * The metrics operators alert on (shared/metrics.ts), the Prometheus rules and the Grafana dashboard
 * shipped for them (deploy/prometheus, deploy/grafana): promtool checks the rules and runs their unit
 * tests, and every metric a rule or a panel names is really exported by a running web or worker.
 */

const run = promisify(execFile);
const promtool = spawnSync("promtool", ["--version"]).status === 0;
const promtoolTest = promtool ? test : test.skip;
const note = promtool ? "" : " (skipped: promtool is not installed; apt-get install prometheus)";

const TOKEN = "observability-test-metrics-token-0123";

promtoolTest(
  `promtool: the alert rules are valid and their unit tests pass; the scrape config is valid${note}`,
  async (t) => {
    const rules = await run("promtool", ["check", "rules", "deploy/prometheus/alerts.yml"]);
    t.regex(rules.stdout, /SUCCESS: \d+ rules found/);
    const unit = await run("promtool", ["test", "rules", "deploy/prometheus/alerts.test.yml"]);
    t.regex(unit.stdout + unit.stderr, /SUCCESS/);
    // The scrape config names its token file and rules beside it, as compose mounts them.
    const dir = await mkdtemp(join(tmpdir(), "nexus-prom-"));
    try {
      for (const f of ["prometheus.yml", "alerts.yml"]) await copyFile(join("deploy/prometheus", f), join(dir, f));
      await writeFile(join(dir, "metrics-token"), TOKEN);
      const config = await run("promtool", ["check", "config", join(dir, "prometheus.yml")]);
      t.regex(config.stdout, /SUCCESS/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    // A broken rule is refused (the check can fail).
    const broken = await mkdtemp(join(tmpdir(), "nexus-prom-"));
    try {
      await writeFile(
        join(broken, "bad.yml"),
        "groups:\n  - name: x\n    rules:\n      - alert: X\n        expr: sum(rate(\n",
      );
      await t.throwsAsync(run("promtool", ["check", "rules", join(broken, "bad.yml")]));
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  },
);

/** Metric names a PromQL expression reads (ours, Node's and the process's, by their prefixes). */
function metricNames(expr: string): string[] {
  return [...expr.matchAll(/\b((?:nexus|http|nodejs|process)_[a-z0-9_]+)\b/g)].map((m) =>
    m[1].replace(/_(bucket|sum|count)$/, ""),
  );
}

async function shippedExpressions(): Promise<{ where: string; expr: string }[]> {
  const rules = parse(await readFile("deploy/prometheus/alerts.yml", "utf8")) as {
    groups: { rules: { alert: string; expr: string }[] }[];
  };
  const dashboard = JSON.parse(await readFile("deploy/grafana/nexus.json", "utf8")) as {
    panels: { title: string; targets: { expr: string }[] }[];
  };
  return [
    ...rules.groups.flatMap((g) => g.rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr }))),
    ...dashboard.panels.flatMap((p) => p.targets.map((target) => ({ where: `panel "${p.title}"`, expr: target.expr }))),
  ];
}

/** Metric families in a Prometheus text exposition, by their `# TYPE` lines (histograms by base name). */
const families = (text: string) => new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));

test("every metric the alerts and the dashboard name is exported by a running web or worker", async (t) => {
  const [webPort, workerPort] = [await freePort(), await freePort()];
  const processes: Spawned[] = [];
  t.teardown(() => Promise.all(processes.map((p) => p.stop("SIGKILL"))));
  const web = spawnEntry("server/main.ts", { PORT: String(webPort), METRICS_TOKEN: TOKEN });
  const worker = spawnEntry("worker/main.ts", { WORKER_METRICS_PORT: String(workerPort), METRICS_TOKEN: TOKEN });
  processes.push(web, worker);
  await Promise.all([web.waitFor(/web listening/), worker.waitFor(/worker metrics listening/)]);

  // Some traffic, so the labelled series exist: a booking, a conflict, a forged webhook.
  const api = apiClient(`http://127.0.0.1:${webPort}`);
  const host = await createHost();
  const listing = await createListing(host);
  const stay = { listingId: listing.id, checkIn: day(20), checkOut: day(22), guests: 1 };
  t.is((await api.post("/api/v1/bookings", stay, (await createGuest()).auth)).status, 201);
  t.is((await api.post("/api/v1/bookings", stay, (await createGuest()).auth)).status, 409);
  const forged = await api.post(
    "/api/v1/webhooks/chapa",
    { event: "charge.success", tx_ref: "nope" },
    {
      "x-chapa-signature": "0".repeat(64),
    },
  );
  t.is(forged.status, 401);

  const auth = { authorization: `Bearer ${TOKEN}` };
  const webText = (await api.get("/metrics", auth)).body as string;
  const workerApi = apiClient(`http://127.0.0.1:${workerPort}`);
  t.is((await workerApi.get("/metrics")).status, 401, "the worker's metrics need the token too");
  const workerScrape = await workerApi.get("/metrics", auth);
  t.is(workerScrape.status, 200);
  const workerText = workerScrape.body as string;
  t.is((await workerApi.get("/healthz")).status, 200);

  const exported = new Set([...families(webText), ...families(workerText)]);
  for (const { where, expr } of await shippedExpressions()) {
    const names = metricNames(expr);
    t.true(names.length > 0, `${where} reads a metric`);
    for (const name of names) t.true(exported.has(name), `${where}: ${name} is exported`);
  }
  // The labels the rules select on are the ones really produced.
  t.regex(webText, /nexus_commands_total\{command="bookings\.create",outcome="ok"\} 1/);
  t.regex(webText, /nexus_commands_total\{command="bookings\.create",outcome="dates_unavailable"\} 1/);
  t.regex(webText, /http_request_duration_seconds_count\{[^}]*route="\/api\/v1\/webhooks\/chapa",status="401"\} 1/);
  // Whichever process's relay leads publishes every event (shared/events/relay.ts); exactly one leads.
  t.regex(`${webText}\n${workerText}`, /nexus_events_published_total\{type="booking\.created"\} [1-9]/);
  const leaders = [webText, workerText].map((text) => Number(/^nexus_event_relay_leader (\S+)$/m.exec(text)?.[1]));
  t.deepEqual(leaders.sort(), [0, 1], "one relay leads, the other waits");
  t.regex(`${webText}\n${workerText}`, /^nexus_event_backlog_age_seconds \d/m);
  const beat = Number(/^nexus_worker_heartbeat_timestamp_seconds (\S+)$/m.exec(workerText)?.[1]);
  t.true(Date.now() / 1000 - beat < 30, "the worker's heartbeat is fresh");
  t.regex(workerText, /^nexus_jobs\{job="\w+",state="(scheduled|due|running)"\} \d+$/m, "queue depth by job and state");
});
