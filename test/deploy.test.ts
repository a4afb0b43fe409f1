import "./helpers/env.js";
import { execFile, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { promisify } from "node:util";
import test from "ava";
import pg from "pg";
import { parseAllDocuments } from "yaml";
import { CONFIG_VARIABLES, PRODUCTION_REQUIRED_VARIABLES, parseConfig } from "../shared/config.js";
import { SAFE_PRODUCTION_ENV } from "./helpers/productionEnv.js";
import { useApp } from "./helpers/useApp.js";

/**
 * The Kubernetes manifests (deploy/k8s), proven offline: kustomize (kubectl's) renders each overlay,
 * every object validates against the Kubernetes schemas (kubernetes-models 4.x, KEDA's CRD models),
 * and what they say about the app is checked against the app itself: its variables, routes, port,
 * Procfile commands and drain times, and the KEDA query against a migrated database.
 */

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const { api } = useApp();

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  // Rendered manifests are validated by their schemas first, then read loosely.
  spec?: any;
  data?: Record<string, string>;
}

const OVERLAYS = ["dev", "prod"] as const;
type Overlay = (typeof OVERLAYS)[number];

// Synchronously: ava wants every test declared before the file's first await.
const kubectl = spawnSync("kubectl", ["version", "--client"]).status === 0;
const k8sTest = kubectl ? test : test.skip;
const skipNote = kubectl ? "" : " (skipped: kubectl is not installed on this machine)";

const rendered = new Map<Overlay, Promise<K8sObject[]>>();
function render(overlay: Overlay): Promise<K8sObject[]> {
  if (!rendered.has(overlay)) {
    rendered.set(
      overlay,
      run("kubectl", ["kustomize", `deploy/k8s/overlays/${overlay}`], { maxBuffer: 10_000_000 }).then(({ stdout }) =>
        parseAllDocuments(stdout).map((d) => d.toJS() as K8sObject),
      ),
    );
  }
  return rendered.get(overlay)!;
}

const find = (objects: K8sObject[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name.startsWith(name));
const must = (objects: K8sObject[], kind: string, name: string) => {
  const found = find(objects, kind, name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};

/** The model class of an object: kubernetes-models/<group>/<version> (core: /v1), KEDA's for keda.sh. */
function modelOf(o: K8sObject): new (data: unknown) => { validate(): void } {
  const [group, version] = o.apiVersion.includes("/") ? o.apiVersion.split("/") : ["", o.apiVersion];
  const module =
    group === "keda.sh"
      ? require(`@kubernetes-models/keda/keda.sh/${version}`)
      : require(`kubernetes-models/${group ? `${group}/` : ""}${version}`);
  const model = module[o.kind];
  if (!model) throw new Error(`no schema for ${o.apiVersion} ${o.kind}`);
  return model;
}

function procfile(): Record<string, string> {
  return Object.fromEntries(
    readFileSync("Procfile", "utf8")
      .split("\n")
      .filter((line) => line.includes(":"))
      .map((line) => [line.slice(0, line.indexOf(":")).trim(), line.slice(line.indexOf(":") + 1).trim()]),
  );
}

const podSpec = (o: K8sObject) => o.spec.template.spec;
const container = (o: K8sObject, name: string) => podSpec(o).containers.find((c: { name: string }) => c.name === name);

k8sTest(
  `kustomize renders each overlay and every object validates against the Kubernetes schemas${skipNote}`,
  async (t) => {
    for (const overlay of OVERLAYS) {
      const objects = await render(overlay);
      t.true(objects.length >= 12, `${overlay}: ${objects.length} objects`);
      for (const o of objects) {
        const Model = modelOf(o);
        t.notThrows(() => new Model(o).validate(), `${overlay}: ${o.kind} ${o.metadata.name}`);
      }
      for (const [kind, name] of [
        ["Deployment", "nexus-web"],
        ["Deployment", "nexus-worker"],
        ["Service", "nexus-web"],
        ["Ingress", "nexus"],
        ["HorizontalPodAutoscaler", "nexus-web"],
        ["PodDisruptionBudget", "nexus-web"],
        ["Job", "nexus-migrate"],
        ["ConfigMap", "nexus-config"],
        ["Service", "postgres"],
        ["Service", "redis"],
        ["Service", "mongodb"],
      ]) {
        t.truthy(find(objects, kind, name), `${overlay} has ${kind} ${name}`);
      }
    }
    // A schema violation is caught (the check can fail): a port that is not a number.
    const web = structuredClone(must(await render("prod"), "Deployment", "nexus-web"));
    container(web, "web").ports[0].containerPort = "http";
    const Model = modelOf(web);
    t.throws(() => new Model(web).validate());
  },
);

k8sTest(`web and worker get every variable production requires, and name no unknown one${skipNote}`, async (t) => {
  for (const overlay of OVERLAYS) {
    const objects = await render(overlay);
    const configMap = must(objects, "ConfigMap", "nexus-config");
    for (const [deployment, name] of [
      ["nexus-web", "web"],
      ["nexus-worker", "worker"],
    ]) {
      const c = container(must(objects, "Deployment", deployment), name);
      t.deepEqual(
        c.envFrom.map((e: { configMapRef?: { name: string } }) => e.configMapRef?.name),
        [configMap.metadata.name],
      );
      const fromSecret = (
        c.env as { name: string; valueFrom?: { secretKeyRef?: { key: string; optional?: boolean } } }[]
      )
        .filter((e) => e.valueFrom?.secretKeyRef)
        .map((e) => {
          t.is(e.valueFrom!.secretKeyRef!.key, e.name, `${name}: ${e.name} is read from the key of its own name`);
          return e.name;
        });
      const provided = new Set([
        ...Object.keys(configMap.data ?? {}),
        ...(c.env as { name: string }[]).map((e) => e.name),
      ]);
      for (const variable of provided)
        t.true(CONFIG_VARIABLES.includes(variable), `${overlay}/${name}: ${variable} is read by the app`);
      if (overlay === "prod") {
        for (const variable of PRODUCTION_REQUIRED_VARIABLES) {
          t.true(provided.has(variable), `${overlay}/${name}: ${variable} provided`);
        }
        // Secrets come only from the Secret, never from the ConfigMap.
        for (const secret of [
          "JWT_SECRET",
          "CHAPA_SECRET_KEY",
          "CHAPA_WEBHOOK_SECRET",
          "DATABASE_URL",
          "METRICS_TOKEN",
        ]) {
          t.true(fromSecret.includes(secret), `${name}: ${secret} from nexus-secrets`);
          t.false(secret in (configMap.data ?? {}), `${secret} not in the ConfigMap`);
        }
        // The ConfigMap as production runs it, with the Secret's keys filled in by an operator, is a valid production config.
        const env = {
          ...configMap.data,
          ...SAFE_PRODUCTION_ENV,
          DATABASE_URL: "postgres://nexus@postgres:5432/nexus",
          REDIS_URL: "redis://redis:6379",
          SMTP_URL: "smtp://mail.example.com:587",
          METRICS_TOKEN: "a-long-random-metrics-token",
        };
        t.notThrows(() => parseConfig(env), "the prod ConfigMap parses as a production configuration");
        t.is(configMap.data?.NODE_ENV, "production");
      }
    }
  }
  const prod = await render("prod");
  t.falsy(find(prod, "Secret", ""), "the prod overlay holds no Secret: operators create nexus-secrets");
  // The dev overlay's secret values are the published development defaults, which production refuses.
  const devSecret = must(await render("dev"), "Secret", "nexus-secrets");
  const devEnv = Object.fromEntries(
    Object.entries(devSecret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString()]),
  );
  const devConfig = must(await render("dev"), "ConfigMap", "nexus-config").data ?? {};
  t.throws(() => parseConfig({ ...devConfig, ...devEnv, NODE_ENV: "production" }), {
    message: /JWT_SECRET|CHAPA_SECRET_KEY/,
  });
});

k8sTest(`probes and ports name real routes on the app's real port${skipNote}`, async (t) => {
  for (const overlay of OVERLAYS) {
    const objects = await render(overlay);
    const configMap = must(objects, "ConfigMap", "nexus-config");
    const web = container(must(objects, "Deployment", "nexus-web"), "web");
    const port = web.ports.find((p: { name: string }) => p.name === "http");
    t.is(String(port.containerPort), configMap.data?.PORT ?? "", "the container port is the PORT the app listens on");
    for (const probe of [web.readinessProbe, web.livenessProbe]) t.is(probe.httpGet.port, "http");
    t.is(web.readinessProbe.httpGet.path, "/readyz");
    t.is(web.livenessProbe.httpGet.path, "/healthz");
    // The paths answer on the real app: /healthz 200, /readyz 200 with every service up.
    for (const path of [web.readinessProbe.httpGet.path, web.livenessProbe.httpGet.path]) {
      const res = await api.get(path);
      t.is(res.status, 200, path);
    }
    // The worker's liveness probe is its metrics server's /healthz, on WORKER_METRICS_PORT.
    const worker = container(must(objects, "Deployment", "nexus-worker"), "worker");
    const metricsPort = worker.ports.find((p: { name: string }) => p.name === "metrics");
    t.is(String(metricsPort.containerPort), configMap.data?.WORKER_METRICS_PORT ?? "");
    t.deepEqual(worker.livenessProbe.httpGet, { path: "/healthz", port: "metrics" });
    const service = must(objects, "Service", "nexus-web");
    t.is(service.spec.ports[0].targetPort, "http");
    t.deepEqual(service.spec.selector, must(objects, "Deployment", "nexus-web").spec.selector.matchLabels);
    const ingress = must(objects, "Ingress", "nexus");
    const backend = ingress.spec.rules[0].http.paths[0].backend.service;
    t.is(backend.name, "nexus-web");
    t.is(backend.port.name, service.spec.ports[0].name);
    t.is(ingress.spec.ingressClassName, "nginx");
    t.is(ingress.spec.tls[0].secretName, "nexus-tls");
    t.true(Number(ingress.metadata.annotations?.["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600);
  }
});

k8sTest(`commands match the Procfile, and drain times match the processes'${skipNote}`, async (t) => {
  const proc = procfile();
  for (const overlay of OVERLAYS) {
    const objects = await render(overlay);
    const webDeployment = must(objects, "Deployment", "nexus-web");
    const workerDeployment = must(objects, "Deployment", "nexus-worker");
    t.is(container(webDeployment, "web").command.join(" "), proc.web);
    t.is(container(workerDeployment, "worker").command.join(" "), proc.worker);
    t.is(container(must(objects, "Job", "nexus-migrate"), "migrate").command.join(" "), proc.release);
    for (const d of [webDeployment, workerDeployment]) {
      t.is(podSpec(d).initContainers[0].command.join(" "), `${proc.release} --wait`, "pods wait for the release");
    }
    const data = must(objects, "ConfigMap", "nexus-config").data ?? {};
    const config = parseConfig({ ...data, NODE_ENV: "development" });
    const preStop = container(webDeployment, "web").lifecycle.preStop.exec.command;
    t.is(preStop[0], "sleep");
    const webNeeds = Number(preStop[1]) + config.WEB_DRAIN_TIMEOUT_MS / 1000 + 5;
    t.true(podSpec(webDeployment).terminationGracePeriodSeconds >= webNeeds, `web grace ≥ ${webNeeds} s`);
    const workerNeeds = config.WORKER_DRAIN_TIMEOUT_MS / 1000 + 5;
    t.true(podSpec(workerDeployment).terminationGracePeriodSeconds >= workerNeeds, `worker grace ≥ ${workerNeeds} s`);
    for (const d of [webDeployment, workerDeployment]) {
      const c = podSpec(d).containers[0];
      t.truthy(c.resources.requests.cpu && c.resources.limits.memory, `${d.metadata.name} has requests and limits`);
    }
  }
});

k8sTest(
  `workers scale on due jobs in prod (KEDA, its query runs on the real table), on CPU elsewhere${skipNote}`,
  async (t) => {
    const prod = await render("prod");
    const scaled = must(prod, "ScaledObject", "nexus-worker");
    t.is(scaled.spec.scaleTargetRef.name, "nexus-worker");
    t.falsy(find(prod, "HorizontalPodAutoscaler", "nexus-worker"), "no second autoscaler on the worker");
    const trigger = scaled.spec.triggers[0];
    t.is(trigger.type, "postgresql");
    t.is(trigger.metadata.connectionFromEnv, "DATABASE_URL");
    const workerEnv = container(must(prod, "Deployment", "nexus-worker"), "worker").env.map(
      (e: { name: string }) => e.name,
    );
    t.true(workerEnv.includes(trigger.metadata.connectionFromEnv));

    const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
    try {
      const before = Number((await pool.query(trigger.metadata.query)).rows[0].count);
      await pool.query(
        `insert into agenda_jobs (name, next_run_at, data) select 'sendEmail', now() - interval '1 second', '{}'::jsonb
         from generate_series(1, 3)`,
      );
      await pool.query(
        `insert into agenda_jobs (name, next_run_at, data) values ('sendEmail', now() + interval '1 hour', '{}')`,
      );
      const after = Number((await pool.query(trigger.metadata.query)).rows[0].count);
      t.is(after - before, 3, "due jobs count; a job due later does not");
    } finally {
      await pool.end();
    }
    const dev = await render("dev");
    t.truthy(find(dev, "HorizontalPodAutoscaler", "nexus-worker"));
    t.falsy(find(dev, "ScaledObject", "nexus-worker"));
  },
);

k8sTest(
  `network policies: only the ingress reaches web; the Chapa sandbox exists only in dev${skipNote}`,
  async (t) => {
    for (const overlay of OVERLAYS) {
      const objects = await render(overlay);
      const deny = must(objects, "NetworkPolicy", "nexus-default-deny-ingress");
      t.deepEqual(deny.spec.podSelector, {});
      t.deepEqual(deny.spec.policyTypes, ["Ingress"]);
      t.falsy(deny.spec.ingress, "denies every ingress");
      const web = must(objects, "NetworkPolicy", "nexus-web-from-ingress");
      const sources = web.spec.ingress[0].from.map(
        (f: { namespaceSelector: { matchLabels: Record<string, string> } }) =>
          f.namespaceSelector.matchLabels["kubernetes.io/metadata.name"],
      );
      t.deepEqual(sources, ["ingress-nginx", "monitoring"]);
      const sandbox = objects.filter((o) => o.metadata.name.startsWith("chapa-sandbox"));
      if (overlay === "dev") {
        t.true(sandbox.length >= 2);
        const data = must(objects, "ConfigMap", "nexus-config").data ?? {};
        t.is(data.CHAPA_BASE_URL, "http://chapa-sandbox:4010/v1");
      } else {
        t.deepEqual(sandbox, [], "no sandbox outside dev");
        t.is(must(objects, "ConfigMap", "nexus-config").data?.CHAPA_BASE_URL, "https://api.chapa.co/v1");
      }
    }
  },
);

test("migrate --wait returns at once on an up-to-date schema and gives up on a database that is behind", async (t) => {
  const tsx = ["--import=tsx", "scripts/migrate.ts", "--wait"];
  const ok = await run(process.execPath, tsx, { env: { ...process.env, LOG_LEVEL: "info" } });
  t.regex(ok.stdout, /schema up to date/);

  const admin = new pg.Client({ connectionString: process.env.TEST_ADMIN_DATABASE_URL });
  await admin.connect();
  const empty = `${process.env.DATABASE_URL!.split("/").pop()}_empty`;
  await admin.query(`create database ${empty}`);
  try {
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `/${empty}`;
    const behind = await run(process.execPath, tsx, {
      env: { ...process.env, DATABASE_URL: url.toString(), MIGRATE_WAIT_SECONDS: "1", LOG_LEVEL: "info" },
    }).then(
      () => null,
      (err: { code: number; stdout: string }) => err,
    );
    t.truthy(behind, "exits non-zero");
    t.is(behind?.code, 1);
    t.regex(behind?.stdout ?? "", /migrations still pending/);
  } finally {
    await admin.query(`drop database if exists ${empty} with (force)`);
    await admin.end();
  }
});
