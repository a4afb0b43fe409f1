import "./helpers/env.js";
import "./helpers/tightRateLimits.js";

import { randomUUID } from "node:crypto";
import Router from "@koa/router";
import test from "ava";
import { rateLimit } from "../server/middlewares/rateLimit.js";
import { config } from "../shared/config.js";
import { createRedis } from "../shared/redis.js";
import { type RunningApp, startApp } from "./helpers/app.js";
import { eventually } from "./helpers/eventually.js";
import { closeFactories, createGuest, db, PASSWORD } from "./helpers/factories.js";
import { apiClient } from "./helpers/http.js";
import { PrivateRedis } from "./helpers/privateRedis.js";
import { TIGHT } from "./helpers/tightRateLimits.js";

// Every test here counts requests from 127.0.0.1 against the same limits: run them one at a time,
// each from zero (our Redis keys only; other test files use other prefixes).
const redis = createRedis("test-rate-limit");
test.serial.beforeEach(async () => {
  const keys = await redis.keys(`${config.REDIS_KEY_PREFIX}rl:*`);
  if (keys.length) await redis.del(...keys);
});

// A route that exercises the factory directly, keyed by a header: the contract bookings rely on.
const probe = rateLimit(
  { redis },
  { name: "probe", points: 2, durationSeconds: 60, key: (ctx) => ctx.get("x-probe-key") || null },
);
const extraRoutes = new Router().get("/__test/probe", probe, (ctx) => {
  ctx.body = { ok: true };
});

let starting: Promise<RunningApp> | null = null;
let api: ReturnType<typeof apiClient>;
test.serial.beforeEach(async () => {
  starting ??= startApp({ extraRoutes });
  api = apiClient((await starting).url);
});
test.after.always(async () => {
  await (await starting)?.close();
  await closeFactories();
  redis.disconnect();
});

const login = (client: ReturnType<typeof apiClient>, email: string, password = "wrong-password") =>
  client.post("/api/v1/auth/login", { email, password });

function assertRateLimited(
  t: import("ava").ExecutionContext,
  res: { status: number; body: any; headers: Headers },
  maxSeconds: number,
) {
  t.is(res.status, 429);
  t.is(res.body.error.code, "rate_limited");
  const retryAfter = Number(res.headers.get("retry-after"));
  t.true(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= maxSeconds, `Retry-After ${retryAfter}`);
}

test.serial(
  "login per email: past the limit, 429 rate_limited with Retry-After, whatever the email's case",
  async (t) => {
    const user = await createGuest();
    const spellings = [user.email, user.email.toUpperCase(), ` ${user.email} `];
    for (let i = 0; i < TIGHT.loginPerEmail; i++) {
      t.is((await login(api, spellings[i % spellings.length])).status, 401, `attempt ${i + 1}`);
    }
    const blocked = await login(api, user.email.toUpperCase(), PASSWORD);
    assertRateLimited(t, blocked, 15 * 60);
    t.is((await login(api, `other-${randomUUID()}@example.test`)).status, 401, "another email is still allowed");
  },
);

test.serial("a refused login is on record: the first of its window, against the account, rateLimited", async (t) => {
  const user = await createGuest();
  for (let i = 0; i < TIGHT.loginPerEmail; i++) t.is((await login(api, user.email)).status, 401);
  for (let i = 0; i < 3; i++) assertRateLimited(t, await login(api, user.email.toUpperCase(), PASSWORD), 15 * 60);
  const { rows } = await db().query(
    "select user_id, success, rate_limited from login_events where email in ($1, $2) order by id",
    [user.email, user.email.toUpperCase()],
  );
  t.deepEqual(
    rows.map((r) => [r.user_id, r.success, r.rate_limited]),
    [
      ...Array.from({ length: TIGHT.loginPerEmail }, () => [user.id, false, false]),
      [user.id, false, true], // the three refusals: one row
    ],
  );
});

test.serial("login per IP: past the limit, 429 for any email from that IP", async (t) => {
  for (let i = 0; i < TIGHT.loginPerIp; i++) {
    t.is((await login(api, `spray-${i}@example.test`)).status, 401, `attempt ${i + 1}`);
  }
  assertRateLimited(t, await login(api, `spray-last@example.test`), 15 * 60);
});

test.serial("register per IP: past the limit, 429 even for a valid registration", async (t) => {
  const register = () =>
    api.post("/api/v1/auth/register", {
      email: `r-${randomUUID()}@example.test`,
      password: "long-password",
      name: "R",
    });
  for (let i = 0; i < TIGHT.registerPerIp; i++) t.is((await register()).status, 201);
  assertRateLimited(t, await register(), 60 * 60);
});

test.serial("payment return and callback per IP: past their limits, 429, each counted on its own", async (t) => {
  for (let i = 0; i < TIGHT.paymentReturnPerIp; i++) {
    t.is((await api.get(`/api/v1/payments/return?tx_ref=nx-unknown-${i}`)).status, 302, `return ${i + 1}`);
  }
  assertRateLimited(t, await api.get("/api/v1/payments/return?tx_ref=nx-unknown"), 60);
  for (let i = 0; i < TIGHT.paymentCallbackPerIp; i++) {
    t.is((await api.get(`/api/v1/payments/callback?trx_ref=nx-unknown-${i}`)).status, 200, `callback ${i + 1}`);
  }
  assertRateLimited(t, await api.get("/api/v1/payments/callback?trx_ref=nx-unknown"), 60);
});

test.serial("the factory counts each key separately and lets keyless requests through", async (t) => {
  const probeWith = (key?: string) => api.get("/__test/probe", key ? { "x-probe-key": key } : {});
  t.is((await probeWith("a")).status, 200);
  t.is((await probeWith("a")).status, 200);
  assertRateLimited(t, await probeWith("a"), 60);
  t.is((await probeWith("b")).status, 200, "another key has its own count");
  for (let i = 0; i < 4; i++) t.is((await probeWith()).status, 200, "no key, not counted");
  t.true((await redis.keys(`${config.REDIS_KEY_PREFIX}rl:probe:*`)).length > 0, "counted in Redis under our prefix");
});

test.serial("with Redis down, login still works and the in-memory insurance limiter still limits", async (t) => {
  const privateRedis = await PrivateRedis.start();
  const app = await startApp({ redisUrl: privateRedis.url });
  t.teardown(async () => {
    await app.close();
    await privateRedis.stop();
  });
  const client = apiClient(app.url);
  const user = await createGuest();
  t.is((await login(client, user.email, PASSWORD)).status, 200, "Redis up");

  await privateRedis.stop();
  await eventually(() => app.redis.status !== "ready", "the app's Redis client to notice the connection is gone");
  for (let i = 0; i < TIGHT.loginPerEmail; i++) {
    const res = await login(client, user.email, PASSWORD);
    t.is(res.status, 200, `Redis down, attempt ${i + 1}: ${JSON.stringify(res.body)}`);
  }
  assertRateLimited(t, await login(client, user.email, PASSWORD), 15 * 60);
});
