import "./helpers/env.js";
import "./helpers/generousRateLimits.js";

import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import test from "ava";
import jwt from "jsonwebtoken";
import { config } from "../shared/config.js";
import { createAdmin, createGuest, createHost, db, PASSWORD } from "./helpers/factories.js";
import { apiClient } from "./helpers/http.js";
import { freePort, spawnEntry } from "./helpers/processes.js";
import { useApp } from "./helpers/useApp.js";

const { api } = useApp();

const uniqueEmail = (tag = "u") => `${tag}-${randomUUID().slice(0, 8)}@example.test`;
const register = (body: Record<string, unknown>, headers?: Record<string, string>) =>
  api.post("/api/v1/auth/register", body, headers);
const login = (email: string, password: string, headers?: Record<string, string>) =>
  api.post("/api/v1/auth/login", { email, password }, headers);
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function loginEventsOf(email: string) {
  const { rows } = await db().query(
    "select user_id, email, ip, user_agent, success from login_events where email = $1 order by id",
    [email],
  );
  return rows as { user_id: string | null; email: string; ip: string; user_agent: string; success: boolean }[];
}

test("register, log in and read /me: the same user, a working token, never the password hash", async (t) => {
  // Through the client generated from the OpenAPI document: the paths, bodies and answers are typed.
  const email = uniqueEmail("ada");
  const created = await api.typed.POST("/api/v1/auth/register", {
    body: { email, password: "long-password", name: "Ada", role: "host" },
  });
  t.is(created.response.status, 201);
  const { user, token } = created.data!;
  t.deepEqual(Object.keys(user).sort(), ["createdAt", "email", "id", "name", "role"]);
  t.like(user, { email, name: "Ada", role: "host" });
  t.regex(user.id, /^[0-9a-f-]{36}$/);
  t.false(Number.isNaN(Date.parse(user.createdAt)));
  t.is(typeof token, "string");

  const me = await api.typed.GET("/api/v1/me", { headers: bearer(token) });
  t.is(me.response.status, 200);
  t.deepEqual(me.data, { user });

  const loggedIn = await api.typed.POST("/api/v1/auth/login", { body: { email, password: "long-password" } });
  t.is(loggedIn.response.status, 200);
  t.deepEqual(loggedIn.data?.user, user);
  t.is((await api.typed.GET("/api/v1/me", { headers: bearer(loggedIn.data!.token) })).data?.user.id, user.id);
  t.false(JSON.stringify([created.data, me.data, loggedIn.data]).includes("scrypt"), "no hash leaves the server");
});

test("role defaults to guest; emails are trimmed and lowercased; login accepts any case", async (t) => {
  const email = uniqueEmail("Mixed.Case").replace("example", "EXAMPLE");
  const res = await register({ email: `  ${email}  `, password: "kq7-vxm2", name: "  Gil  " });
  t.is(res.status, 201, "exactly 8 characters is enough");
  t.like(res.body.user, { email: email.toLowerCase(), name: "Gil", role: "guest" });
  t.is((await login(` ${email.toUpperCase()} `, "kq7-vxm2")).status, 200);
});

test("a second registration of an email in any case is 409 email_taken", async (t) => {
  const email = uniqueEmail("dup");
  t.is((await register({ email, password: "long-password", name: "One" })).status, 201);
  for (const again of [email, email.toUpperCase(), ` ${email.replace("dup", "DuP")}`]) {
    const res = await register({ email: again, password: "other-password", name: "Two" });
    t.is(res.status, 409, again);
    t.is(res.body.error.code, "email_taken");
  }
});

test("five registrations racing for one email: exactly one 201, the others 409 email_taken", async (t) => {
  const email = uniqueEmail("race");
  const results = await Promise.all(
    [email, email.toUpperCase(), email, ` ${email}`, email.toUpperCase()].map((e, i) =>
      register({ email: e, password: "long-password", name: `Racer ${i}` }),
    ),
  );
  t.deepEqual(results.map((r) => r.status).sort(), [201, 409, 409, 409, 409]);
  t.true(results.filter((r) => r.status === 409).every((r) => r.body.error.code === "email_taken"));
  const { rows } = await db().query("select count(*)::int as n from users where email = $1", [email]);
  t.is(rows[0].n, 1);
});

const validRegistration = { email: "valid@example.test", password: "long-password", name: "Val" };
const badRegistrations: [string, Record<string, unknown>, string][] = [
  ["email missing", { ...validRegistration, email: undefined }, "email"],
  ["email not an email", { ...validRegistration, email: "not-an-email" }, "email"],
  ["email a number", { ...validRegistration, email: 42 }, "email"],
  ["email too long", { ...validRegistration, email: `${"a".repeat(320)}@example.test` }, "email"],
  ["password missing", { ...validRegistration, password: undefined }, "password"],
  ["password of 7 characters", { ...validRegistration, password: "1234567" }, "password"],
  ["password over 200 characters", { ...validRegistration, password: "p".repeat(201) }, "password"],
  ["password a number", { ...validRegistration, password: 12345678 }, "password"],
  ["name missing", { ...validRegistration, name: undefined }, "name"],
  ["name blank", { ...validRegistration, name: "   " }, "name"],
  ["name over 200 characters", { ...validRegistration, name: "n".repeat(201) }, "name"],
  ["role admin", { ...validRegistration, role: "admin" }, "role"],
  ["role unknown", { ...validRegistration, role: "superuser" }, "role"],
  ["role not a string", { ...validRegistration, role: ["host"] }, "role"],
];
for (const [rule, body, path] of badRegistrations) {
  test(`register with ${rule} is 400 validation_failed naming ${path}`, async (t) => {
    const res = await register(body);
    t.is(res.status, 400);
    t.is(res.body.error.code, "validation_failed");
    t.true(
      res.body.error.details.some((d: { path: string }) => d.path === path),
      JSON.stringify(res.body.error.details),
    );
  });
}

test("register with an empty body names every required field; an array body is rejected as a whole", async (t) => {
  const noBody = await api.call("POST", "/api/v1/auth/register");
  t.is(noBody.status, 400);
  t.is(noBody.body.error.code, "validation_failed");
  t.deepEqual(noBody.body.error.details.map((d: { path: string }) => d.path).sort(), ["email", "name", "password"]);

  const array = await api.call("POST", "/api/v1/auth/register", {
    raw: "[]",
    headers: { "content-type": "application/json" },
  });
  t.is(array.status, 400);
  t.is(array.body.error.code, "validation_failed");
  t.is(array.body.error.details[0].path, "(body)");
});

test("malformed JSON on register and login is 400 invalid_json", async (t) => {
  for (const path of ["/api/v1/auth/register", "/api/v1/auth/login"]) {
    const res = await api.call("POST", path, {
      raw: '{"email": "a@b.test",',
      headers: { "content-type": "application/json" },
    });
    t.is(res.status, 400);
    t.is(res.body.error.code, "invalid_json");
  }
});

test("login with a missing or wrongly typed field is 400 validation_failed", async (t) => {
  for (const [body, path] of [
    [{ password: "long-password" }, "email"],
    [{ email: 42, password: "long-password" }, "email"],
    [{ email: "a@b.test" }, "password"],
    [{ email: "a@b.test", password: { $ne: "" } }, "password"],
    [{ email: "a@b.test", password: "" }, "password"],
  ] as const) {
    const res = await api.post("/api/v1/auth/login", body);
    t.is(res.status, 400, JSON.stringify(body));
    t.is(res.body.error.code, "validation_failed");
    t.is(res.body.error.details[0].path, path);
  }
});

test("unknown email and wrong password get the same 401 invalid_credentials, in similar time", async (t) => {
  const user = await createGuest();
  const wrong = await login(user.email, "not-the-password");
  const unknown = await login(uniqueEmail("nobody"), "not-the-password");
  t.is(wrong.status, 401);
  t.is(unknown.status, 401);
  t.deepEqual(wrong.body, unknown.body);
  t.is(wrong.body.error.code, "invalid_credentials");

  // Without a dummy hash check an unknown email answers in ~1 ms against ~30+ ms for a wrong password.
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const timed = async (email: string) => {
    const started = performance.now();
    await login(email, "not-the-password");
    return performance.now() - started;
  };
  const wrongTimes: number[] = [];
  const unknownTimes: number[] = [];
  for (let i = 0; i < 5; i++) {
    wrongTimes.push(await timed(user.email));
    unknownTimes.push(await timed(uniqueEmail("nobody")));
  }
  t.true(
    median(unknownTimes) > 0.4 * median(wrongTimes),
    `unknown ${median(unknownTimes).toFixed(1)} ms vs wrong password ${median(wrongTimes).toFixed(1)} ms`,
  );
});

test("missing, malformed, forged, expired and alg:none tokens are 401 unauthenticated on /me", async (t) => {
  const user = await createGuest();
  const now = Math.floor(Date.now() / 1000);
  const tokens: Record<string, Record<string, string>> = {
    missing: {},
    "not a bearer": { authorization: `Basic ${Buffer.from("a:b").toString("base64")}` },
    garbage: bearer("not.a.jwt"),
    forged: bearer(jwt.sign({ role: "admin" }, "some-other-secret-of-16+chars", { subject: user.id })),
    expired: bearer(jwt.sign({ role: "guest", sub: user.id, exp: now - 60 }, config.JWT_SECRET)),
    "alg none": bearer(jwt.sign({ role: "admin", sub: user.id }, "", { algorithm: "none" })),
  };
  for (const [kind, headers] of Object.entries(tokens)) {
    const res = await api.get("/api/v1/me", headers);
    t.is(res.status, 401, kind);
    t.is(res.body.error.code, "unauthenticated", kind);
  }
  t.is((await api.get("/api/v1/me", user.auth)).status, 200, "the real token works");
});

test("/me with a valid token of a deleted account is 401 unauthenticated", async (t) => {
  const user = await createGuest();
  await db().query("delete from users where id = $1", [user.id]);
  const res = await api.get("/api/v1/me", user.auth);
  t.is(res.status, 401);
  t.is(res.body.error.code, "unauthenticated");
});

test("every login attempt is recorded: success and wrong password with the user, unknown email without", async (t) => {
  const user = await createGuest();
  const ua = { "user-agent": "NexusTest/1.0 (accounts)" };
  t.is((await login(user.email, PASSWORD, ua)).status, 200);
  t.is((await login(user.email.toUpperCase(), "wrong-password", ua)).status, 401);
  const nobody = uniqueEmail("ghost");
  t.is((await login(nobody, "whatever-it-is", ua)).status, 401);

  const events = await loginEventsOf(user.email);
  t.deepEqual(
    events.map((e) => [e.user_id, e.success, e.ip, e.user_agent]),
    [
      [user.id, true, "127.0.0.1", ua["user-agent"]],
      [user.id, false, "127.0.0.1", ua["user-agent"]],
    ],
  );
  t.deepEqual(
    (await loginEventsOf(nobody)).map((e) => [e.user_id, e.success]),
    [[null, false]],
  );
});

test("without TRUST_PROXY, X-Forwarded-For is ignored: the recorded IP is the socket's", async (t) => {
  t.false(config.TRUST_PROXY);
  const user = await createGuest();
  await login(user.email, PASSWORD, { "x-forwarded-for": "203.0.113.7" });
  t.deepEqual(
    (await loginEventsOf(user.email)).map((e) => e.ip),
    ["127.0.0.1"],
  );
});

test("with TRUST_PROXY=true (a real web process), the recorded IP comes from X-Forwarded-For", async (t) => {
  const port = await freePort();
  const web = spawnEntry("server/main.ts", { PORT: String(port), TRUST_PROXY: "true" });
  t.teardown(() => web.stop("SIGKILL"));
  await web.waitFor(/web listening/, 30_000);
  const proxied = apiClient(`http://127.0.0.1:${port}`);
  const user = await createGuest();
  const res = await proxied.post(
    "/api/v1/auth/login",
    { email: user.email, password: PASSWORD },
    { "x-forwarded-for": "203.0.113.7" },
  );
  t.is(res.status, 200);
  t.deepEqual(
    (await loginEventsOf(user.email)).map((e) => e.ip),
    ["203.0.113.7"],
  );
});

test("TRUST_PROXY with one hop: the client IP is the rightmost X-Forwarded-For entry (our proxy's), not the client-chosen leftmost", async (t) => {
  const port = await freePort();
  const web = spawnEntry("server/main.ts", { PORT: String(port), TRUST_PROXY: "true", RATE_LIMIT_LOGIN_PER_IP: "3" });
  t.teardown(() => web.stop("SIGKILL"));
  await web.waitFor(/web listening/, 30_000);
  const proxied = apiClient(`http://127.0.0.1:${port}`);
  const user = await createGuest();
  const viaProxy = (forgedLeft: string, password = PASSWORD) =>
    proxied.post(
      "/api/v1/auth/login",
      { email: user.email, password },
      { "x-forwarded-for": `${forgedLeft}, 2.2.2.2` },
    );
  // Other tests of this file share its Redis prefix: addresses no other test uses.
  t.is((await viaProxy("1.1.1.1")).status, 200);
  t.deepEqual(
    (await loginEventsOf(user.email)).map((e) => e.ip),
    ["2.2.2.2"],
  );
  // A new forged leftmost entry on every attempt does not make a new client: the per-IP limit holds.
  t.is((await viaProxy("10.0.0.1")).status, 200);
  t.is((await viaProxy("10.0.0.2")).status, 200);
  const limited = await viaProxy("10.0.0.3");
  t.is(limited.status, 429);
  t.is(limited.body.error.code, "rate_limited");
  // The limit is 2.2.2.2's: another client behind the same proxy still logs in.
  const other = await createGuest();
  const elsewhere = await proxied.post(
    "/api/v1/auth/login",
    { email: other.email, password: PASSWORD },
    { "x-forwarded-for": "2.2.2.2, 3.3.3.3" },
  );
  t.is(elsewhere.status, 200);
  t.deepEqual(
    (await loginEventsOf(other.email)).map((e) => e.ip),
    ["3.3.3.3"],
  );
});

test("TRUST_PROXY_HOPS=2: the client IP is the second entry from the right", async (t) => {
  const port = await freePort();
  const web = spawnEntry("server/main.ts", { PORT: String(port), TRUST_PROXY: "true", TRUST_PROXY_HOPS: "2" });
  t.teardown(() => web.stop("SIGKILL"));
  await web.waitFor(/web listening/, 30_000);
  const user = await createGuest();
  const res = await apiClient(`http://127.0.0.1:${port}`).post(
    "/api/v1/auth/login",
    { email: user.email, password: PASSWORD },
    { "x-forwarded-for": "1.1.1.1, 192.0.2.44, 10.1.1.1" },
  );
  t.is(res.status, 200);
  t.deepEqual(
    (await loginEventsOf(user.email)).map((e) => e.ip),
    ["192.0.2.44"],
  );
});

test("login events: anonymous 401, guest and host 403, admin 200", async (t) => {
  const path = "/api/v1/admin/login-events";
  const anonymous = await api.get(path);
  t.is(anonymous.status, 401);
  t.is(anonymous.body.error.code, "unauthenticated");
  for (const who of [await createGuest(), await createHost()]) {
    const res = await api.get(path, who.auth);
    t.is(res.status, 403, who.role);
    t.is(res.body.error.code, "forbidden");
  }
  const admin = await api.get(path, (await createAdmin()).auth);
  t.is(admin.status, 200);
  t.true(Array.isArray(admin.body.data));
});

test("an admin demoted or deleted loses admin access at once, whatever their token says", async (t) => {
  const path = "/api/v1/admin/login-events";
  const demoted = await createAdmin();
  t.is((await api.get(path, demoted.auth)).status, 200);
  await db().query("update users set role = 'host' where id = $1", [demoted.id]);
  const asHost = await api.get(path, demoted.auth);
  t.is(asHost.status, 403);
  t.is(asHost.body.error.code, "forbidden");

  const deleted = await createAdmin();
  t.is((await api.get(path, deleted.auth)).status, 200);
  await db().query("delete from users where id = $1", [deleted.id]);
  const gone = await api.get(path, deleted.auth);
  t.is(gone.status, 401);
  t.is(gone.body.error.code, "unauthenticated");
});

test("login events page newest first with an opaque cursor, 20 by default, filtered by user", async (t) => {
  const admin = await createAdmin();
  const userId = randomUUID();
  await db().query(
    `insert into login_events (user_id, email, ip, user_agent, success)
     select $1, 'paged' || n || '@example.test', '10.0.0.' || n, 'agent', n % 2 = 0 from generate_series(1, 25) n`,
    [userId],
  );
  const first = await api.get(`/api/v1/admin/login-events?userId=${userId}`, admin.auth);
  t.is(first.status, 200);
  t.is(first.body.data.length, 20);
  t.like(first.body.data[0], {
    userId,
    email: "paged25@example.test",
    ip: "10.0.0.25",
    userAgent: "agent",
    success: false,
    rateLimited: false,
  });
  t.false(Number.isNaN(Date.parse(first.body.data[0].createdAt)));
  t.is(typeof first.body.nextCursor, "string");
  t.notRegex(first.body.nextCursor, /^\d+$/, "the cursor is opaque, not a bare id");

  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `userId=${userId}&limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const page: { status: number; body: any } = await api.get(`/api/v1/admin/login-events?${query}`, admin.auth);
    t.is(page.status, 200);
    t.true(page.body.data.length <= 7);
    seen.push(...page.body.data.map((e: { email: string }) => e.email));
    cursor = page.body.nextCursor;
  } while (cursor);
  t.deepEqual(
    seen,
    Array.from({ length: 25 }, (_, i) => `paged${25 - i}@example.test`),
  );
});

test("login events: bad limit, userId or cursor is 400 validation_failed", async (t) => {
  const admin = await createAdmin();
  for (const [query, path] of [
    ["limit=0", "limit"],
    ["limit=101", "limit"],
    ["limit=ten", "limit"],
    ["limit=1.5", "limit"],
    ["userId=not-a-uuid", "userId"],
    ["cursor=definitely-not-ours", "cursor"],
    [`cursor=${Buffer.from("v1:-5").toString("base64url")}`, "cursor"], // our shape, not an id
  ]) {
    const res = await api.get(`/api/v1/admin/login-events?${query}`, admin.auth);
    t.is(res.status, 400, query);
    t.is(res.body.error.code, "validation_failed", query);
    t.is(res.body.error.details[0].path, path, query);
  }
});

const runScript = promisify(execFile);
const createAdminScript = (...args: string[]) =>
  runScript(process.execPath, ["--import", "tsx", "scripts/createAdmin.ts", ...args], { env: process.env });

test.serial(
  "create-admin creates an admin who can log in, promotes an existing account, and is idempotent",
  async (t) => {
    const email = uniqueEmail("boss");
    await createAdminScript(email, "Ada Admin", "long-password");
    await createAdminScript(email.toUpperCase(), "Ada Again", "another-password");
    const loggedIn = await login(email, "long-password");
    t.is(loggedIn.status, 200);
    t.like(loggedIn.body.user, { email, name: "Ada Admin", role: "admin" });
    const { rows } = await db().query("select count(*)::int as n from users where email = $1", [email]);
    t.is(rows[0].n, 1);

    const guest = await createGuest();
    await createAdminScript(guest.email, "Promoted", "irrelevant-password");
    const promoted = await login(guest.email, PASSWORD);
    t.like(promoted.body.user, { id: guest.id, role: "admin" }, "promoted, password unchanged");
    t.is((await api.get("/api/v1/admin/login-events", bearer(promoted.body.token))).status, 200);
  },
);

test.serial("create-admin with bad arguments exits non-zero with a usage line", async (t) => {
  const failed = await t.throwsAsync(createAdminScript("not-an-email", "Ada", "short"));
  const { code, stderr } = failed as unknown as { code: number; stderr: string };
  t.is(code, 64);
  t.regex(stderr, /usage: npm run create-admin -- <email> <name> <password>/);
  t.regex(stderr, /email: /);
  t.regex(stderr, /password: At least 8/);
});
