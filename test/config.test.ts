import test from "ava";
import { parseConfig } from "../shared/config.js";
import { KNOWN_DEFAULTS } from "../shared/knownDefaults.js";
import { spawnEntry } from "./helpers/processes.js";
import { SAFE_PRODUCTION_ENV } from "./helpers/productionEnv.js";

// Each test spoils one variable of it.
const SAFE = SAFE_PRODUCTION_ENV;

const refusal = (env: Record<string, string | undefined>) => {
  try {
    parseConfig(env);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
};

test("production accepts a configuration without published defaults", (t) => {
  t.is(refusal(SAFE), null);
  t.is(parseConfig(SAFE).NODE_ENV, "production");
});

const unsafe: [string, Record<string, string | undefined>, RegExp][] = [
  ["JWT_SECRET unset (the development default)", { JWT_SECRET: undefined }, /JWT_SECRET: is a published default/],
  ["JWT_SECRET the development default", { JWT_SECRET: KNOWN_DEFAULTS.jwtSecret }, /JWT_SECRET: is a published/],
  ["JWT_SECRET docker-compose's old fallback", { JWT_SECRET: "change-me-in-production-please" }, /JWT_SECRET: is a/],
  [
    "JWT_SECRET under 32 bytes",
    { JWT_SECRET: "only-thirty-one-bytes-long-0123" },
    /JWT_SECRET: must be at least 32 bytes/,
  ],
  ["CHAPA_SECRET_KEY unset (the sandbox's)", { CHAPA_SECRET_KEY: undefined }, /CHAPA_SECRET_KEY: a test key/],
  ["CHAPA_SECRET_KEY any test key", { CHAPA_SECRET_KEY: "CHASECK_TEST-abc123" }, /CHAPA_SECRET_KEY: a test key/],
  ["CHAPA_WEBHOOK_SECRET unset", { CHAPA_WEBHOOK_SECRET: undefined }, /CHAPA_WEBHOOK_SECRET: is the sandbox's/],
  ["CHAPA_WEBHOOK_SECRET the sandbox's", { CHAPA_WEBHOOK_SECRET: KNOWN_DEFAULTS.chapaWebhookSecret }, /CHAPA_WEBHOOK/],
  ["CHAPA_BASE_URL unset (the sandbox)", { CHAPA_BASE_URL: undefined }, /CHAPA_BASE_URL: points at the Chapa sandbox/],
  ["CHAPA_BASE_URL localhost:4010", { CHAPA_BASE_URL: "http://localhost:4010/v1" }, /CHAPA_BASE_URL: points/],
  ["CHAPA_BASE_URL compose's sandbox", { CHAPA_BASE_URL: "http://chapa-sandbox:4010/v1" }, /CHAPA_BASE_URL: points/],
];
for (const [name, change, expected] of unsafe) {
  test(`production refuses ${name}, naming the variable`, (t) => {
    const message = refusal({ ...SAFE, ...change });
    t.truthy(message);
    t.regex(message!, expected);
  });
}

test("every unsafe variable is named at once", (t) => {
  const message = refusal({ NODE_ENV: "production" }) ?? "";
  for (const name of ["JWT_SECRET", "CHAPA_SECRET_KEY", "CHAPA_WEBHOOK_SECRET", "CHAPA_BASE_URL"]) {
    t.regex(message, new RegExp(`^  ${name}: `, "m"));
  }
});

test("development and test run on the defaults", (t) => {
  for (const NODE_ENV of ["development", "test"]) {
    const config = parseConfig({ NODE_ENV });
    t.is(config.JWT_SECRET, KNOWN_DEFAULTS.jwtSecret);
    t.is(config.CHAPA_BASE_URL, KNOWN_DEFAULTS.chapaBaseUrl);
  }
});

test("a headers timeout above the request timeout is refused in any environment", (t) => {
  t.regex(
    refusal({ HTTP_HEADERS_TIMEOUT_MS: "5000", HTTP_REQUEST_TIMEOUT_MS: "1000" }) ?? "",
    /HTTP_HEADERS_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS/,
  );
  t.is(parseConfig({}).TRUST_PROXY_HOPS, 1);
});

test("a real web process started with NODE_ENV=production and a default secret exits 78, naming it", async (t) => {
  const web = spawnEntry("server/main.ts", { ...SAFE, JWT_SECRET: KNOWN_DEFAULTS.jwtSecret, PORT: "0" });
  t.teardown(() => web.stop("SIGKILL"));
  const code = await new Promise<number | null>((resolve) => web.child.once("exit", resolve));
  t.is(code, 78);
  t.regex(web.output(), /JWT_SECRET: is a published default/);
  t.notRegex(web.output(), /web listening/);
});

test("so does a worker with the sandbox's webhook secret", async (t) => {
  const worker = spawnEntry("worker/main.ts", { ...SAFE, CHAPA_WEBHOOK_SECRET: KNOWN_DEFAULTS.chapaWebhookSecret });
  t.teardown(() => worker.stop("SIGKILL"));
  const code = await new Promise<number | null>((resolve) => worker.child.once("exit", resolve));
  t.is(code, 78);
  t.regex(worker.output(), /CHAPA_WEBHOOK_SECRET: is the sandbox's published secret/);
});
