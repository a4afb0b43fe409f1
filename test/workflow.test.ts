import { readFileSync } from "node:fs";
import { validateWorkflow } from "@action-validator/core";
import test from "ava";
import { parse } from "yaml";
import { SCREENSHOT_DIR } from "./helpers/browser.js";

/**
 * The GitHub Actions pipeline (.github/workflows/ci.yml), checked offline: it validates against the
 * workflow JSON schema (SchemaStore's, embedded in action-validator), and it runs what this
 * repository says CI is: `.ci/run` on Debian 12 with Node 20, artifacts from where the tests and
 * benchmarks write them, and a Docker image built from the Dockerfile.
 */

const source = readFileSync(".github/workflows/ci.yml", "utf8");
// A parsed workflow, validated by its schema in the first test, then read loosely.
const workflow = parse(source) as any;

test("ci.yml validates against the GitHub workflow schema, and a broken one does not", (t) => {
  t.deepEqual(validateWorkflow(source).errors, []);
  const broken = source.replace("runs-on: ubuntu-latest", "runs-on: [1, 2]").replace("steps:", "stepz:");
  t.true(validateWorkflow(broken).errors.length > 0);
});

test("the test job runs .ci/run on Debian 12 with Node 20, caching npm and apt, keeping screenshots", (t) => {
  const job = workflow.jobs.test;
  t.is(job.container, "node:20-bookworm");
  const steps: { uses?: string; run?: string; with?: Record<string, unknown> }[] = job.steps;
  const node = steps.find((s) => s.uses?.startsWith("actions/setup-node@"));
  t.is(node?.with?.["node-version"], 20);
  t.is(node?.with?.cache, "npm");
  t.truthy(steps.find((s) => s.uses?.startsWith("actions/cache@") && String(s.with?.path).includes("apt")));
  t.truthy(steps.find((s) => s.run?.includes("bash .ci/run")));
  const artifact = steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"));
  // The e2e tests write their screenshots under test-output/ (test/helpers/browser.ts).
  t.regex(String(artifact?.with?.path), /test-output\//);
  t.true(SCREENSHOT_DIR.startsWith("test-output/"));
});

test("benchmarks run and keep their output; the Docker image is built from the Dockerfile", (t) => {
  const bench = workflow.jobs.bench;
  const benchRun = bench.steps.map((s: { run?: string }) => s.run ?? "").join("\n");
  const scripts = JSON.parse(readFileSync("package.json", "utf8")).scripts as Record<string, string>;
  for (const name of ["http", "realtime", "jobs"]) {
    t.truthy(scripts[`bench:${name}`], `npm run bench:${name} exists`);
    t.true(benchRun.includes(name));
  }
  t.truthy(bench.steps.find((s: { uses?: string }) => s.uses?.startsWith("actions/upload-artifact@")));
  const docker = workflow.jobs.docker.steps.find((s: { uses?: string }) =>
    s.uses?.startsWith("docker/build-push-action@"),
  );
  t.is(docker.with.context, ".");
  t.false(docker.with.push);
  t.regex(readFileSync("Dockerfile", "utf8"), /^FROM /m);
});
