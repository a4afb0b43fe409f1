import "./helpers/env.js";

import test from "ava";
import { apiClient } from "./helpers/http.js";
import { freePort, spawnEntry } from "./helpers/processes.js";
import { SAFE_PRODUCTION_ENV } from "./helpers/productionEnv.js";

const METRICS_TOKEN = "metrics-token-for-the-test-0123456789";

async function startWeb(t: import("ava").ExecutionContext, env: Record<string, string>) {
  const port = await freePort();
  const web = spawnEntry("server/main.ts", { PORT: String(port), ...env });
  t.teardown(() => web.stop("SIGKILL"));
  await web.waitFor(/web listening/, 30_000);
  return apiClient(`http://127.0.0.1:${port}`);
}

test("with METRICS_TOKEN, /metrics answers only `Authorization: Bearer <METRICS_TOKEN>`", async (t) => {
  const api = await startWeb(t, { METRICS_TOKEN });
  const attempts: Record<string, string>[] = [
    {},
    { authorization: "Bearer wrong-token" },
    { authorization: METRICS_TOKEN },
  ];
  for (const headers of attempts) {
    const refused = await api.get("/metrics", headers);
    t.is(refused.status, 401);
    t.is(refused.body.error.code, "unauthenticated");
    t.is(refused.headers.get("www-authenticate"), 'Bearer realm="metrics"');
  }
  const scraped = await api.get("/metrics", { authorization: `Bearer ${METRICS_TOKEN}` });
  t.is(scraped.status, 200);
  t.regex(scraped.body, /^# HELP /m);
  t.regex(scraped.body, /http_request_duration_seconds/);
});

test("in production without METRICS_TOKEN, /metrics is off: 404 like any unknown path", async (t) => {
  const api = await startWeb(t, SAFE_PRODUCTION_ENV);
  const res = await api.get("/metrics", { authorization: "Bearer anything-at-all" });
  t.is(res.status, 404);
  t.is(res.body.error.code, "not_found");
  t.is((await api.get("/healthz")).status, 200, "the process itself is up");
});
