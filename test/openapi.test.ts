import "./helpers/env.js";

import { readFileSync } from "node:fs";
import { generateTypes } from "@nexus/openapi-types";
import test from "ava";
import { chromium } from "playwright-core";
import { type RunningApp, startApp } from "./helpers/app.js";
import { apiClient } from "./helpers/http.js";
import { contractProblem } from "./helpers/responseContract.js";

let starting: Promise<RunningApp> | null = null;
let app: RunningApp;
let api: ReturnType<typeof apiClient>;
test.beforeEach(async () => {
  starting ??= startApp();
  app = await starting;
  api = apiClient(app.url);
});
test.after.always(async () => {
  await (await starting)?.close();
});

test("openapi.json describes the account routes with their bodies, responses and shared components", async (t) => {
  const res = await api.get("/api/v1/openapi.json");
  t.is(res.status, 200);
  t.regex(res.headers.get("content-type") ?? "", /application\/json/);
  const doc = res.body;
  t.is(doc.openapi, "3.1.0");
  t.truthy(doc.info.title);

  const register = doc.paths["/api/v1/auth/register"]?.post;
  t.truthy(register, "register is described");
  t.truthy(register.requestBody.content["application/json"].schema);
  t.deepEqual(Object.keys(register.responses).sort(), ["201", "400", "403", "409", "413", "415", "429", "500", "503"]);
  t.truthy(register.responses["429"].headers["Retry-After"], "429 documents Retry-After");

  const login = doc.paths["/api/v1/auth/login"]?.post;
  t.deepEqual(Object.keys(login.responses).sort(), ["200", "400", "401", "403", "413", "415", "429", "500", "503"]);
  t.truthy(login.responses["503"].headers["Retry-After"], "503 (database away) documents Retry-After");
  t.deepEqual(doc.paths["/api/v1/me"]?.get?.security, [{ bearer: [] }]);
  const loginEvents = doc.paths["/api/v1/admin/login-events"]?.get;
  t.deepEqual(loginEvents.parameters.map((p: { name: string }) => p.name).sort(), ["cursor", "limit", "userId"]);
  t.deepEqual(Object.keys(loginEvents.responses).sort(), ["200", "400", "401", "403", "500", "503"]);

  for (const name of ["User", "Session", "Error", "RegisterRequest", "LoginRequest", "LoginEvent"]) {
    t.truthy(doc.components.schemas[name], `component ${name}`);
  }
  t.deepEqual(doc.components.schemas.User.properties.role.enum, ["guest", "host", "admin"]);
  t.false("passwordHash" in doc.components.schemas.User.properties);
  t.deepEqual(doc.components.schemas.RegisterRequest.properties.role.enum, ["guest", "host"], "admin is not offered");
  t.is(doc.components.securitySchemes.bearer.scheme, "bearer");

  t.deepEqual((await api.get("/api/v1/openapi.json")).body, doc, "served the same again (built once)");
});

test("/docs is a Swagger UI page whose every asset is served here, with no other host mentioned", async (t) => {
  const page = await fetch(`${app.url}/docs`);
  t.is(page.status, 200);
  t.regex(page.headers.get("content-type") ?? "", /text\/html/);
  t.regex(page.headers.get("content-security-policy") ?? "", /default-src 'self'/);
  const html = await page.text();
  t.notRegex(html, /https?:|\/\/[a-z]/i, "no absolute or protocol-relative URL");
  t.regex(html, /id="swagger-ui"/);

  const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
  t.true(assets.includes("/docs/assets/swagger-ui-bundle.js"));
  for (const asset of assets) {
    const res = await fetch(`${app.url}${asset}`);
    t.is(res.status, 200, asset);
    const body = await res.text();
    t.true(body.length > 0, asset);
    if (asset.endsWith(".js")) t.regex(res.headers.get("content-type") ?? "", /javascript/, asset);
    if (asset.endsWith("/init.js")) {
      t.true(body.includes('"/api/v1/openapi.json"'), "points at our document");
      t.true(body.includes("validatorUrl: null"), "never calls the public validator");
    }
  }
});

test("/docs/assets serves only the known files: anything else is a JSON 404", async (t) => {
  for (const path of [
    "/docs/assets/package.json",
    "/docs/assets/..%2Fpackage.json",
    "/docs/assets/..%2F..%2F..%2Fpackage.json",
    "/docs/assets/swagger-ui-bundle.js.map",
  ]) {
    const res = await api.get(path);
    t.is(res.status, 404, path);
    t.is(res.body.error.code, "not_found", path);
  }
});

test("in a real browser, /docs renders the operations using nothing but this server", async (t) => {
  // CI installs chromium (.ci/run); CHROMIUM_PATH points elsewhere if needed.
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" });
  t.teardown(() => browser.close());
  const page = await browser.newPage();
  const requested: string[] = [];
  const problems: string[] = [];
  page.on("request", (req) => requested.push(req.url()));
  page.on("pageerror", (err) => problems.push(err.message));
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(msg.text());
  });
  await page.goto(`${app.url}/docs`);
  await page.locator(".opblock", { hasText: "/api/v1/auth/register" }).first().waitFor({ timeout: 20_000 });
  t.true((await page.locator(".opblock").count()) >= 5, "the account routes and the document itself are listed");
  t.deepEqual(
    requested.filter((url) => !url.startsWith(`${app.url}/`)),
    [],
    "no request to any other origin",
  );
  t.true(requested.includes(`${app.url}/api/v1/openapi.json`));
  t.deepEqual(problems, [], "no script errors or CSP violations");
});

test("the committed client types (shared/api/openapi.d.ts) are generated from the document served here", async (t) => {
  const served = (await api.get("/api/v1/openapi.json")).body;
  const committed = readFileSync(new URL("../shared/api/openapi.d.ts", import.meta.url), "utf8");
  t.true(
    (await generateTypes(served)) === committed,
    "shared/api/openapi.d.ts is stale: run npm run openapi:types and commit it",
  );
});

test("the contract check (test/helpers/responseContract.ts) refuses an undocumented status, field or header", async (t) => {
  const json = new Headers({ "content-type": "application/json" });
  const error = (extra = {}) => JSON.stringify({ error: { code: "x", message: "m", details: [], ...extra } });
  const seen = (over: Partial<Parameters<typeof contractProblem>[0]>) =>
    contractProblem({ method: "GET", path: "/api/v1/me", status: 401, headers: json, text: error(), ...over });
  t.is(await seen({}), null, "a documented status with its body");
  t.regex((await seen({ status: 418 })) ?? "", /status 418 is not documented/);
  t.regex((await seen({ text: error({ extra: 1 }) })) ?? "", /must NOT have additional properties/);
  t.regex((await seen({ path: "/healthz", status: 200, text: '{"status":"fine"}' })) ?? "", /does not match/);
  t.regex(
    (await seen({
      method: "POST",
      path: "/api/v1/auth/login",
      status: 429,
      headers: new Headers({ ...Object.fromEntries(json), "retry-after": "soon" }),
    })) ?? "",
    /header Retry-After/,
  );
  t.is(await seen({ path: "/api/v1/no-such-route", status: 404 }), null, "an unknown path answers in the Error shape");
  t.regex((await seen({ path: "/api/v1/no-such-route", status: 404, text: "{}" })) ?? "", /does not match/);
});
