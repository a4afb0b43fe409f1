import "./helpers/env.js";
import "./helpers/generousRateLimits.js";
import "./helpers/loginSecurityEnv.js";

import { randomUUID } from "node:crypto";
import test from "ava";
import { eventually } from "./helpers/eventually.js";
import { createAdmin, createGuest, db, PASSWORD } from "./helpers/factories.js";
import { type Spawned, spawnEntry } from "./helpers/processes.js";
import { TestSmtp } from "./helpers/smtp.js";
import { connectSocket, type TestSocket } from "./helpers/sockets.js";
import { useApp } from "./helpers/useApp.js";

const { api, app } = useApp();

const FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const CHROME_MAC =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
// Addresses in ranges the shipped database places (checked by the GeoIP test itself).
const US = "8.8.8.8";
const US_2 = "8.8.4.4";
const ET = "196.188.0.1";

let smtp: TestSmtp;
let worker: Spawned;
test.serial.before(async () => {
  smtp = await TestSmtp.start();
  worker = spawnEntry("worker/main.ts", {
    SMTP_URL: smtp.url,
    CRON_RELAY_OUTBOX_EVERY: "0.2 seconds",
    JOB_PROCESS_EVERY_MS: "100",
  });
  await worker.waitFor(/worker started/);
});
test.after.always(async () => {
  await worker?.stop("SIGKILL");
  await smtp?.close();
});

const login = (email: string, ip: string, userAgent = FIREFOX_LINUX, password = PASSWORD) =>
  api.post("/api/v1/auth/login", { email, password }, { "x-forwarded-for": ip, "user-agent": userAgent });

const alertsOf = async (userId: string) =>
  (
    await db().query(
      "select data from public_events where type = 'security.alert' and $1 = any(user_ids) order by id",
      [userId],
    )
  ).rows.map((r) => r.data);
const alertEmailsOf = async (userId: string) =>
  (
    await db().query(
      "select key, done_at from side_effects where kind = 'email' and payload->>'recipientUserId' = $1 and payload->>'template' = 'security_alert_user'",
      [userId],
    )
  ).rows;

async function watch(token: string): Promise<TestSocket> {
  return connectSocket(app().url, token);
}

test.serial(
  "a login is recorded with its country and device; the user reads their own history, paginated",
  async (t) => {
    const user = await createGuest();
    const other = await createGuest();
    t.is((await login(user.email, US, FIREFOX_LINUX)).status, 200);
    t.is((await login(user.email, ET, CHROME_MAC, "wrong password")).status, 401);
    t.is((await login(user.email, "10.1.2.3", CHROME_MAC)).status, 200);
    t.is((await login(other.email, US)).status, 200);

    const first = await api.get("/api/v1/me/login-events?limit=2", user.auth);
    t.is(first.status, 200);
    t.deepEqual(
      first.body.data.map((e: any) => [
        e.ip,
        e.success,
        e.place.ipKind,
        e.place.country,
        e.device.browser,
        e.device.os,
      ]),
      [
        ["10.1.2.3", true, "private", null, "Chrome", "macOS"],
        [ET, false, "public", "ET", "Chrome", "macOS"],
      ],
    );
    t.truthy(first.body.nextCursor);
    const second = await api.get(`/api/v1/me/login-events?limit=2&cursor=${first.body.nextCursor}`, user.auth);
    t.deepEqual(
      second.body.data.map((e: any) => [e.ip, e.place.country, e.device.browser, e.device.os]),
      [[US, "US", "Firefox", "Linux"]],
    );
    t.is(second.body.nextCursor, null);
    t.true(
      second.body.data.every((e: any) => e.userId === user.id),
      "only the caller's own events",
    );
    t.is((await api.get("/api/v1/me/login-events")).status, 401);
    t.is((await api.get("/api/v1/me/login-events?limit=0", user.auth)).body.error.code, "validation_failed");
  },
);

test.serial(
  "a login from a new country: exactly one email and one live alert, with place, device and a sign-out link",
  async (t) => {
    const user = await createGuest({ name: "Selam" });
    t.is((await login(user.email, US)).status, 200, "the first login sets what is known: no alert");
    t.is((await login(user.email, US_2)).status, 200, "same country, same device: no alert");
    const socket = await watch(user.token);
    t.teardown(() => socket.close());

    t.is((await login(user.email, ET)).status, 200);
    const [live] = await socket.waitForEvents(1, 15_000);
    t.is(live.type, "security.alert");
    t.like(live.data, {
      kind: "new_login",
      reasons: ["new_country"],
      ip: ET,
      place: { ipKind: "public", country: "ET" },
      device: { browser: "Firefox", os: "Linux", description: "Firefox on Linux" },
      signOutUrl: "https://nexus.test/?signout=everywhere",
    });
    const mail = await eventually(
      () => smtp.messages.find((m) => m.to.includes(user.email)),
      "the security alert email",
    );
    t.regex(mail.subject, /new country/);
    t.regex(mail.text, /ET/);
    t.regex(mail.text, /196\.188\.0\.1/);
    t.regex(mail.text, /Firefox on Linux/);
    t.regex(mail.text, /https:\/\/nexus\.test\/\?signout=everywhere/);
    t.is((await alertsOf(user.id)).length, 1, "one alert event");
    await eventually(
      async () => (await alertEmailsOf(user.id)).every((r) => r.done_at),
      "the email's side effect is done",
    );
    t.is((await alertEmailsOf(user.id)).length, 1, "one email side effect");
    t.is(smtp.messages.filter((m) => m.to.includes(user.email)).length, 1, "one email sent");

    t.is((await login(user.email, ET)).status, 200, "the country is known now");
    t.is((await alertsOf(user.id)).length, 1);

    const notifications = await api.get("/api/v1/notifications", user.auth);
    t.deepEqual(
      notifications.body.data.map((e: any) => e.type),
      ["security.alert"],
      "the alert is in the user's notifications",
    );
  },
);

test.serial(
  "a login with a new device: exactly one email and one live alert; private addresses raise no country alert",
  async (t) => {
    const user = await createGuest();
    t.is((await login(user.email, US, FIREFOX_LINUX)).status, 200);
    t.is((await login(user.email, "192.168.1.20", FIREFOX_LINUX)).status, 200, "a private address is no new country");
    t.is((await alertsOf(user.id)).length, 0);
    const socket = await watch(user.token);
    t.teardown(() => socket.close());

    t.is((await login(user.email, US_2, CHROME_MAC)).status, 200);
    const [live] = await socket.waitForEvents(1, 15_000);
    t.like(live.data, { kind: "new_login", reasons: ["new_device"], device: { browser: "Chrome", os: "macOS" } });
    const mail = await eventually(() => smtp.messages.find((m) => m.to.includes(user.email)), "the email");
    t.regex(mail.subject, /new device/);
    t.regex(mail.text, /Chrome on macOS/);
    await eventually(async () => (await alertEmailsOf(user.id)).every((r) => r.done_at), "the side effect is done");
    t.is((await alertEmailsOf(user.id)).length, 1);
    t.is((await alertsOf(user.id)).length, 1);
    t.is(smtp.messages.filter((m) => m.to.includes(user.email)).length, 1);

    // Both at once is still one alert and one email, naming both reasons.
    t.is((await login(user.email, ET, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edg/126.0.0.0")).status, 200);
    const alerts = await alertsOf(user.id);
    t.is(alerts.length, 2);
    t.deepEqual(alerts[1].reasons, ["new_country", "new_device"]);
    t.is((await alertEmailsOf(user.id)).length, 2);
  },
);

test.serial(
  "brute force: one account from many IPs, and one IP against many accounts, each alert the admins once",
  async (t) => {
    const admin = await createAdmin();
    const socket = await watch(admin.token);
    t.teardown(() => socket.close());
    const victim = await createGuest();
    for (const ip of ["81.2.69.160", "1.0.16.1", "41.223.44.1", "196.188.0.7"])
      t.is((await login(victim.email, ip, FIREFOX_LINUX, "guess")).status, 401);
    const [accountAlert] = await socket.waitForEvents(1, 15_000);
    t.like(accountAlert.data, { kind: "brute_force_account", userId: victim.id, email: victim.email, distinctIps: 3 });
    t.deepEqual([...(accountAlert.data as any).countries].sort(), ["GB", "JP", "NG"]);

    const attacker = "5.6.7.8";
    for (let i = 0; i < 4; i++)
      t.is((await login(`nobody-${i}-${randomUUID().slice(0, 6)}@example.test`, attacker, FIREFOX_LINUX)).status, 401);
    await socket.waitForEvents(2, 15_000);
    t.like(socket.events[1].data, { kind: "brute_force_ip", ip: attacker, distinctAccounts: 3 });

    const raised = await db().query("select kind, subject from security_alerts where subject = any($1) order by id", [
      [victim.id, attacker],
    ]);
    t.deepEqual(
      raised.rows.map((r) => [r.kind, r.subject]),
      [
        ["brute_force_account", victim.id],
        ["brute_force_ip", attacker],
      ],
      "once per pattern and window, however many failures follow",
    );
    t.is((await api.get("/api/v1/admin/analytics/targeted-accounts", admin.auth)).body.data[0].userId, victim.id);
  },
);

test.serial(
  "the IP blocklist: IPv4 and IPv6 ranges refuse login and register with 403 blocked, recorded; expiry ends a block",
  async (t) => {
    const admin = await createAdmin();
    const user = await createGuest();
    const add = (body: unknown) => api.post("/api/v1/admin/ip-blocks", body, admin.auth);

    const v4 = await add({ cidr: "198.51.7.9/16", reason: "credential stuffing" });
    t.is(v4.status, 201);
    t.like(v4.body.block, { cidr: "198.51.0.0/16", reason: "credential stuffing", expiresAt: null, active: true });
    t.is((await add({ cidr: "45.33.0.0/16", reason: "signup spam" })).status, 201);
    const v6 = await add({
      cidr: "2a02:c7c::/32",
      reason: "abuse",
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    t.is(v6.status, 201);

    const refused = await login(user.email, "198.51.200.1");
    t.is(refused.status, 403);
    t.is(refused.body.error.code, "blocked");
    const refusedV6 = await login(user.email, "2a02:c7c:1234::1");
    t.is(refusedV6.status, 403);
    const register = await api.post(
      "/api/v1/auth/register",
      { email: `blocked-${randomUUID().slice(0, 6)}@example.test`, password: "long-password", name: "B" },
      { "x-forwarded-for": "::ffff:45.33.3.3" },
    );
    t.is(register.status, 403);
    t.is(register.body.error.code, "blocked");
    t.is((await login(user.email, "198.52.0.1")).status, 200, "outside the range");

    const recorded = await db().query(
      "select attempt, ip, blocked, success, user_id from login_events where blocked order by id",
    );
    t.deepEqual(
      recorded.rows.map((r) => [r.attempt, r.ip, r.success, r.user_id]),
      [
        ["login", "198.51.200.1", false, user.id],
        ["login", "2a02:c7c:1234::1", false, user.id],
        ["register", "::ffff:45.33.3.3", false, null],
      ],
    );
    const list = await api.get("/api/v1/admin/ip-blocks", admin.auth);
    t.deepEqual(
      list.body.data.map((b: any) => [b.cidr, b.hits]),
      [
        ["2a02:c7c::/32", 1],
        ["45.33.0.0/16", 1],
        ["198.51.0.0/16", 1],
      ],
    );

    // A flood from a blocked range: every request refused and counted, at most one a second recorded.
    const started = Date.now();
    const flood = await Promise.all(Array.from({ length: 10 }, () => login(user.email, "198.51.9.9")));
    const seconds = Math.ceil((Date.now() - started) / 1000);
    t.true(flood.every((r) => r.status === 403 && r.body.error.code === "blocked"));
    const recordedFlood = (await db().query("select count(*)::int as n from login_events where ip = '198.51.9.9'"))
      .rows[0].n;
    t.true(recordedFlood <= 1 + seconds, `at most one recorded refusal a second: ${recordedFlood} in ${seconds} s`);
    t.is((await db().query("select hits from ip_blocks where id = $1", [v4.body.block.id])).rows[0].hits, 11);

    // Expired: it stays listed, inactive, and blocks nothing.
    await db().query("update ip_blocks set expires_at = now() - interval '1 second' where id = $1", [v6.body.block.id]);
    t.is((await login(user.email, "2a02:c7c:1234::1")).status, 200);
    t.false((await api.get("/api/v1/admin/ip-blocks", admin.auth)).body.data[0].active);

    t.is((await api.delete(`/api/v1/admin/ip-blocks/${v4.body.block.id}`, admin.auth)).status, 204);
    t.is((await login(user.email, "198.51.200.1")).status, 200, "removed: at once");
    t.is((await api.delete(`/api/v1/admin/ip-blocks/${v4.body.block.id}`, admin.auth)).status, 404);

    for (const bad of [
      { cidr: "300.1.1.1/8", reason: "x" },
      { cidr: "10.0.0.0/33", reason: "x" },
      { cidr: "2001:db8::/129", reason: "x" },
      { cidr: "10.0.0.0/8", reason: "" },
      { cidr: "10.0.0.0/8", reason: "x", expiresAt: "2001-01-01T00:00:00Z" },
      { cidr: "10.0.0.0/8", reason: "x", extra: 1 },
    ]) {
      const res = await add(bad);
      t.is(res.status, 400, JSON.stringify(bad));
      t.is(res.body.error.code, "validation_failed");
    }
    t.is((await api.post("/api/v1/admin/ip-blocks", { cidr: "10.0.0.0/8", reason: "x" }, user.auth)).status, 403);
  },
);

test.serial("GraphQL's login and register refuse a blocked address as REST does: code blocked, recorded", async (t) => {
  const admin = await createAdmin();
  const user = await createGuest();
  // Two blocks: each records at most one refusal a second, and this test records one through each.
  const blocks = await Promise.all(
    ["203.0.113.0/25", "203.0.113.128/25"].map((cidr) =>
      api.post("/api/v1/admin/ip-blocks", { cidr, reason: "graphql door" }, admin.auth),
    ),
  );
  t.deepEqual(
    blocks.map((b) => b.status),
    [201, 201],
  );
  const gql = async (query: string, variables: unknown, ip: string) => {
    const res = await fetch(`${app().url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": ip },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] };
  };
  const LOGIN = "mutation ($input: LoginInput!) { login(input: $input) { token } }";
  const REGISTER = "mutation ($input: RegisterInput!) { register(input: $input) { token } }";
  const refused = await gql(LOGIN, { input: { email: user.email, password: PASSWORD } }, "203.0.113.7");
  t.deepEqual(
    refused.errors?.map((e) => e.extensions?.code),
    ["blocked"],
  );
  t.falsy(refused.data?.login);
  const email = `gql-blocked-${randomUUID().slice(0, 6)}@example.test`;
  const register = await gql(REGISTER, { input: { email, password: "long-password", name: "G" } }, "203.0.113.200");
  t.deepEqual(
    register.errors?.map((e) => e.extensions?.code),
    ["blocked"],
  );
  t.is((await db().query("select count(*)::int as n from users where email = $1", [email])).rows[0].n, 0);
  const recorded = await db().query(
    "select attempt, ip, user_id from login_events where blocked and ip like '203.0.113.%' order by id",
  );
  t.deepEqual(
    recorded.rows.map((r) => [r.attempt, r.ip, r.user_id]),
    [
      ["login", "203.0.113.7", user.id],
      ["register", "203.0.113.200", null],
    ],
  );
  const allowed = await gql(LOGIN, { input: { email: user.email, password: PASSWORD } }, "198.18.0.1");
  t.truthy(allowed.data?.login?.token, JSON.stringify(allowed.errors));
  for (const block of blocks) {
    t.is((await api.delete(`/api/v1/admin/ip-blocks/${block.body.block.id}`, admin.auth)).status, 204);
  }
});

test.serial("login analytics by country, day and ASN match the rows the test wrote", async (t) => {
  const admin = await createAdmin();
  const [a, b] = [randomUUID(), randomUUID()];
  // A range of its own (2020), so no other test's logins fall in it.
  await db().query(
    `insert into login_events (user_id, email, ip, success, blocked, ip_kind, country, asn, as_org, created_at) values
       ($1, 'a@x.test', '8.8.8.8', true, false, 'public', 'US', 15169, 'GOOGLE', '2020-03-01T10:00:00Z'),
       ($1, 'a@x.test', '8.8.8.8', false, false, 'public', 'US', 15169, 'GOOGLE', '2020-03-01T11:00:00Z'),
       ($2, 'b@x.test', '8.8.4.4', false, false, 'public', 'US', 15169, 'GOOGLE', '2020-03-02T09:00:00Z'),
       ($2, 'b@x.test', '196.188.0.1', true, false, 'public', 'ET', 24757, 'Ethio Telecom', '2020-03-02T10:00:00Z'),
       (null, 'c@x.test', '196.188.0.1', false, false, 'public', 'ET', 24757, 'Ethio Telecom', '2020-03-02T10:30:00Z'),
       (null, 'c@x.test', '196.188.0.1', false, true, 'public', 'ET', 24757, 'Ethio Telecom', '2020-03-02T10:40:00Z'),
       ($1, 'a@x.test', '10.0.0.1', true, false, 'private', null, null, null, '2020-03-03T10:00:00Z'),
       ($1, 'a@x.test', '8.8.8.8', true, false, 'public', 'US', 15169, 'GOOGLE', '2020-03-05T10:00:00Z')`,
    [a, b],
  );
  const range = "from=2020-03-01T00:00:00Z&to=2020-03-04T00:00:00Z";
  const get = (query: string) => api.get(`/api/v1/admin/analytics/logins?${query}`, admin.auth);

  const byCountry = await get(`${range}&groupBy=country`);
  t.is(byCountry.status, 200);
  t.deepEqual(
    byCountry.body.data.map((r: any) => [r.key, r.successes, r.failures, r.blocked, r.distinctAccounts]),
    [
      ["ET", 1, 1, 1, 1],
      ["US", 1, 2, 0, 2],
      [null, 1, 0, 0, 1],
    ],
  );
  const byDay = await get(`${range}&groupBy=day`);
  t.deepEqual(
    byDay.body.data.map((r: any) => [r.key, r.successes, r.failures, r.blocked, r.distinctAccounts]),
    [
      ["2020-03-01", 1, 1, 0, 1],
      ["2020-03-02", 1, 2, 1, 1],
      ["2020-03-03", 1, 0, 0, 1],
    ],
  );
  const byAsn = await get(`${range}&groupBy=asn`);
  t.deepEqual(
    byAsn.body.data.map((r: any) => [r.key, r.label, r.successes + r.failures + r.blocked]),
    [
      ["15169", "GOOGLE", 3],
      ["24757", "Ethio Telecom", 3],
      [null, null, 1],
    ],
  );
  const ips = await api.get(`/api/v1/admin/analytics/failing-ips?${range}&limit=2`, admin.auth);
  t.deepEqual(
    ips.body.data.map((r: any) => [r.ip, r.failures, r.distinctAccounts, r.country]),
    [
      ["196.188.0.1", 1, 1, "ET"],
      ["8.8.4.4", 1, 1, "US"],
    ],
  );
  const accounts = await api.get(`/api/v1/admin/analytics/targeted-accounts?${range}`, admin.auth);
  t.deepEqual(
    accounts.body.data.map((r: any) => [r.userId, r.failures, r.distinctIps, r.countries]),
    [a, b].sort().map((id) => [id, 1, 1, ["US"]]),
  );

  for (const bad of [
    "from=2020-03-04T00:00:00Z&to=2020-03-01T00:00:00Z",
    "from=2018-01-01T00:00:00Z&to=2020-03-01T00:00:00Z",
    "groupBy=city",
    "from=yesterday",
  ]) {
    const res = await get(bad);
    t.is(res.status, 400, bad);
    t.is(res.body.error.code, "validation_failed");
  }
  t.is((await get(range)).status, 200);
  t.is((await api.get(`/api/v1/admin/analytics/logins?${range}`, (await createGuest()).auth)).status, 403);
});
