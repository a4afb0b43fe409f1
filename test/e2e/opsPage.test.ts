import "../helpers/env.js";

import test from "ava";
import type { Browser } from "playwright-core";
import {
  DESKTOP,
  launchBrowser,
  logInThroughUi,
  newPerson,
  openPage,
  screenshot,
  waitForText,
} from "../helpers/browser.js";
import { eventually } from "../helpers/eventually.js";
import { closeFactories, createAdmin, createGuest, db, type TestUser } from "../helpers/factories.js";
import { apiClient } from "../helpers/http.js";
import { freePort, type Spawned, spawnEntry } from "../helpers/processes.js";
import { connectSocket } from "../helpers/sockets.js";

/**
 * The operations page in Chromium against real web and worker processes: the last hour comes from the
 * database (rows this test wrote, in past minutes), then live updates from failed logins and the
 * worker's samples arrive over the admins' Socket.IO feed, at most one a second.
 */
const processes: Spawned[] = [];
let baseUrl: string;
let browser: Browser;
let admin: TestUser;

test.serial.before(async () => {
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  const web = spawnEntry("server/main.ts", { PORT: String(port), PUBLIC_URL: baseUrl, TRUST_PROXY: "true" });
  const worker = spawnEntry("worker/main.ts", { PUBLIC_URL: baseUrl, CRON_SAMPLE_OPERATIONS_EVERY: "1 second" });
  processes.push(web, worker);
  await Promise.all([web.waitFor(/web listening/), worker.waitFor(/worker started/)]);
  browser = await launchBrowser();
  admin = await createAdmin();

  // The last hour as the database has it: bookings, payments, failed logins and samples in past minutes.
  await db().query(
    `insert into events (type, user_ids, data, created_at)
     select 'booking.created', '{}', '{}'::jsonb, now() - (m || ' minutes')::interval - (k || ' seconds')::interval
       from generate_series(2, 50, 3) m, generate_series(1, 1 + m % 4) k`,
  );
  await db().query(
    `insert into events (type, user_ids, data, created_at)
     select 'payment.updated', '{}', jsonb_build_object('status', case when k % 4 = 0 then 'failed' else 'succeeded' end),
            now() - (m || ' minutes')::interval
       from generate_series(3, 55, 4) m, generate_series(1, 3) k`,
  );
  await db().query(
    `insert into login_events (email, ip, success, ip_kind, country, created_at)
     select 'x@example.test', '196.188.0.1', false, 'public', (array['ET', 'US', 'GB', 'NG'])[1 + (m + k) % 4],
            now() - (m || ' minutes')::interval
       from generate_series(1, 58, 2) m, generate_series(1, 1 + m % 3) k`,
  );
  await db().query(
    `insert into ops_samples (at, sockets, queue_depth, failed_jobs)
     select now() - (m || ' minutes')::interval, 20 + (m * 7) % 15, (m * 3) % 9, m / 20 from generate_series(1, 59) m`,
  );
});

test.after.always(async () => {
  await browser?.close();
  await Promise.all(processes.map((p) => p.stop()));
  await closeFactories();
});

test.serial("the series of the last hour: one row per minute, figures from the rows written", async (t) => {
  const api = apiClient(baseUrl);
  const res = await api.get("/api/v1/admin/ops/series?minutes=60", admin.auth);
  t.is(res.status, 200);
  const minutes = res.body.minutes as any[];
  t.is(minutes.length, 60);
  const total = (f: (m: any) => number) => minutes.reduce((sum, m) => sum + f(m), 0);
  const expected = await db().query(
    `select (select count(*)::int from events where type = 'booking.created' and created_at >= date_trunc('minute', now()) - interval '59 minutes') as bookings,
            (select count(*)::int from events where type = 'payment.updated' and data->>'status' = 'failed' and created_at >= date_trunc('minute', now()) - interval '59 minutes') as failed`,
  );
  t.is(
    total((m) => m.bookings),
    expected.rows[0].bookings,
  );
  t.is(
    total((m) => m.payments.failed),
    expected.rows[0].failed,
  );
  t.true(total((m) => m.loginFailures.ET ?? 0) > 0);
  t.true(minutes.filter((m) => m.gauges).length >= 55);
  t.is((await api.get("/api/v1/admin/ops/series?minutes=1000", admin.auth)).status, 400);
  t.is((await api.get("/api/v1/admin/ops/series", (await createGuest()).auth)).status, 403);
});

test.serial("the live feed: admins only, at most one update a second", async (t) => {
  const guest = await createGuest();
  const guestSocket = await connectSocket(baseUrl, guest.token);
  t.teardown(() => guestSocket.close());
  t.like(await guestSocket.subscribe({ ops: true }), { ok: false, error: { code: "not_found" } });

  const socket = await connectSocket(baseUrl, admin.token);
  t.teardown(() => socket.close());
  const updates: { at: number; update: any }[] = [];
  socket.socket.on("ops.update", (update) => updates.push({ at: Date.now(), update }));
  t.deepEqual(await socket.subscribe({ ops: true }), { ok: true });
  const api = apiClient(baseUrl);
  for (let i = 0; i < 12; i++) {
    await api.post(
      "/api/v1/auth/login",
      { email: `nobody-${i}@example.test`, password: "wrong-password" },
      { "x-forwarded-for": "196.188.0.9" },
    );
  }
  const counted = () => updates.reduce((sum, u) => sum + (u.update.loginFailures.ET ?? 0), 0);
  await eventually(() => counted() === 12, "every failed login in the updates", {
    explain: () => updates.map((u) => u.update),
  });
  await eventually(() => updates.some((u) => u.update.gauges), "a sample of the gauges");
  for (let i = 1; i < updates.length; i++) {
    t.true(updates[i].at - updates[i - 1].at >= 900, `updates ${i - 1} and ${i} are a second apart`);
  }
});

test.serial("the operations page shows the last hour and then live data; screenshot with data", async (t) => {
  const context = await newPerson(browser, DESKTOP);
  const { page, problems } = await openPage(context, baseUrl);
  await logInThroughUi(page, admin.email, "correct-horse-battery");
  await page.getByTestId("nav-ops").click();
  await page.locator('[data-testid="ops-status"][data-loaded="true"]').waitFor();
  for (const id of ["chart-bookings", "chart-payments", "chart-sockets", "chart-jobs", "chart-login-failures"]) {
    await page.getByTestId(id).locator("canvas").first().waitFor();
  }
  await waitForText(page.getByTestId("chart-login-failures"), /ET/);
  await waitForText(page.getByTestId("site-footer"), /ip-location-db/);

  // Live: a failed login now reaches the page through the feed.
  const api = apiClient(baseUrl);
  await api.post(
    "/api/v1/auth/login",
    { email: "live@example.test", password: "wrong-password" },
    {
      "x-forwarded-for": "8.8.8.8",
    },
  );
  await eventually(
    async () => Number((await page.getByTestId("ops-status").getAttribute("data-updates")) ?? 0) >= 1,
    "a live update on the page",
  );
  await waitForText(page.getByTestId("ops-status"), /Live · last update/);
  const path = await screenshot(page, "ops-page");
  await screenshot(page, "ops-page-login-failures", page.getByTestId("chart-login-failures"));
  t.regex(path, /ops-page\.png$/);
  t.deepEqual(problems, []);
  await context.close();
});

test.serial("the security alert's sign-out link revokes every session of the account", async (t) => {
  const guest = await createGuest();
  const api = apiClient(baseUrl);
  t.is((await api.get("/api/v1/me", guest.auth)).status, 200);
  const context = await newPerson(browser, DESKTOP);
  const { page, problems } = await openPage(context, baseUrl);
  await logInThroughUi(page, guest.email, "correct-horse-battery");

  // Signed in here: the link signs out at once.
  await page.goto(`${baseUrl}/?signout=everywhere`);
  await waitForText(page.locator("body"), /Every session of your account is signed out/);
  t.is((await api.get("/api/v1/me", guest.auth)).status, 401, "a token issued elsewhere is revoked too");

  // Not signed in: the page asks for a login first, then signs out everywhere.
  const other = await createGuest();
  const fresh = await newPerson(browser, DESKTOP);
  const opened = await openPage(fresh, `${baseUrl}/?signout=everywhere`);
  await waitForText(opened.page.locator("body"), /Log in to sign out every session/);
  // The form as a person fills it (not logInThroughUi: the page signs out instead of showing the account).
  await opened.page.getByLabel("Email").fill(other.email);
  await opened.page.getByLabel("Password").fill("correct-horse-battery");
  await opened.page.getByRole("button", { name: "Log in" }).click();
  await waitForText(opened.page.locator("body"), /Every session of your account is signed out/);
  t.is((await api.get("/api/v1/me", other.auth)).status, 401);
  t.deepEqual(
    [...problems, ...opened.problems].filter((p) => !p.includes("/auth/logout") && !p.includes("401")),
    [],
  );
  await context.close();
  await fresh.close();
});
