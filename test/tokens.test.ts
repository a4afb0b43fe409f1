import "./helpers/env.js";
import "./helpers/generousRateLimits.js";

import test from "ava";
import jwt from "jsonwebtoken";
import { config } from "../shared/config.js";
import { eventually } from "./helpers/eventually.js";
import { createGuest, createHost, createListing, day, db, PASSWORD } from "./helpers/factories.js";
import { useApp } from "./helpers/useApp.js";

const { api } = useApp();
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const login = (email: string, password = PASSWORD) => api.post("/api/v1/auth/login", { email, password });

test("a token carries exp, iss, aud and the account's token version", async (t) => {
  const user = await createGuest();
  const { token } = (await login(user.email)).body;
  const claims = jwt.decode(token) as jwt.JwtPayload;
  t.like(claims, { sub: user.id, role: "guest", ver: 0, iss: config.JWT_ISSUER, aud: config.JWT_AUDIENCE });
  t.is((claims.exp ?? 0) - (claims.iat ?? 0), config.JWT_TTL_SECONDS);
});

test("a correctly signed token without exp, iss, aud or ver, or for another issuer or audience, is 401", async (t) => {
  const user = await createGuest();
  const sign = (payload: object, options: jwt.SignOptions) =>
    jwt.sign({ role: "guest", ...payload }, config.JWT_SECRET, { algorithm: "HS256", subject: user.id, ...options });
  const good = { expiresIn: 60, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE };
  const tokens: Record<string, string> = {
    "no exp": sign({ ver: 0 }, { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE }),
    "no iss": sign({ ver: 0 }, { expiresIn: 60, audience: config.JWT_AUDIENCE }),
    "no aud": sign({ ver: 0 }, { expiresIn: 60, issuer: config.JWT_ISSUER }),
    "no ver": sign({}, good),
    "another issuer": sign({ ver: 0 }, { ...good, issuer: "someone-else" }),
    "another audience": sign({ ver: 0 }, { ...good, audience: "another-api" }),
  };
  for (const [kind, token] of Object.entries(tokens)) {
    const res = await api.get("/api/v1/bookings", bearer(token));
    t.is(res.status, 401, kind);
    t.is(res.body.error.code, "unauthenticated", kind);
  }
  t.is((await api.get("/api/v1/bookings", bearer(sign({ ver: 0 }, good)))).status, 200, "the same, complete, works");
});

test("logout: 204, then every token of the account is 401 at once; a new login works", async (t) => {
  const user = await createGuest();
  const a = (await login(user.email)).body.token;
  const b = (await login(user.email)).body.token;
  t.is((await api.get("/api/v1/bookings", bearer(a))).status, 200); // cached now
  const out = await api.post("/api/v1/auth/logout", {}, bearer(b));
  t.is(out.status, 204);
  for (const token of [a, b, user.token]) {
    const res = await api.get("/api/v1/bookings", bearer(token));
    t.is(res.status, 401);
    t.is(res.body.error.code, "unauthenticated");
  }
  t.is((await api.post("/api/v1/auth/logout", {}, bearer(b))).status, 401, "a revoked token cannot log out again");
  const fresh = (await login(user.email)).body.token;
  t.is((await api.get("/api/v1/bookings", bearer(fresh))).status, 200);
});

test("password change: current password required, new one checked, earlier tokens revoked, a fresh token returned", async (t) => {
  const user = await createGuest();
  const path = "/api/v1/me/password";
  const wrong = await api.post(path, { currentPassword: "not-it-at-all", newPassword: "a-new-passphrase" }, user.auth);
  t.is(wrong.status, 401);
  t.is(wrong.body.error.code, "invalid_credentials");
  for (const [body, field] of [
    [{ newPassword: "a-new-passphrase" }, "currentPassword"],
    [{ currentPassword: PASSWORD }, "newPassword"],
    [{ currentPassword: PASSWORD, newPassword: "password1" }, "newPassword"],
    [{ currentPassword: PASSWORD, newPassword: "          " }, "newPassword"],
    [{ currentPassword: PASSWORD, newPassword: "short" }, "newPassword"],
  ] as const) {
    const res = await api.post(path, body, user.auth);
    t.is(res.status, 400, JSON.stringify(body));
    t.is(res.body.error.code, "validation_failed");
    t.true(
      res.body.error.details.some((d: { path: string }) => d.path === field),
      JSON.stringify(res.body.error),
    );
  }
  t.is((await api.get("/api/v1/me", user.auth)).status, 200, "refused changes revoked nothing");
  t.is((await api.post(path, { currentPassword: PASSWORD, newPassword: "a-new-passphrase" })).status, 401);

  const changed = await api.post(path, { currentPassword: PASSWORD, newPassword: "a-new-passphrase" }, user.auth);
  t.is(changed.status, 200);
  t.like(changed.body.user, { id: user.id, email: user.email });
  t.is((jwt.decode(changed.body.token) as jwt.JwtPayload).ver, 1);
  t.is((await api.get("/api/v1/me", user.auth)).status, 401, "the earlier token is revoked");
  t.is((await api.get("/api/v1/me", bearer(changed.body.token))).status, 200);
  t.is((await login(user.email)).status, 401, "the old password no longer logs in");
  t.is((await login(user.email, "a-new-passphrase")).status, 200);
});

test("a deleted account's token is 401 on reads and writes, within TOKEN_VERSION_CACHE_MS even when cached", async (t) => {
  const host = await createHost();
  const listing = await createListing(host);
  const guest = await createGuest();
  const cached = await createGuest();
  t.is((await api.get("/api/v1/bookings", cached.auth)).status, 200); // its version is in the cache now
  await db().query("delete from users where id = any($1::uuid[])", [[guest.id, cached.id]]);

  const write = await api.post(
    "/api/v1/bookings",
    { listingId: listing.id, checkIn: day(3), checkOut: day(4), guests: 1 },
    guest.auth,
  );
  t.is(write.status, 401);
  t.is(write.body.error.code, "unauthenticated");
  t.is((await api.get("/api/v1/bookings", guest.auth)).status, 401);

  const deleted = Date.now();
  const status = await eventually(
    async () => {
      const s = (await api.get("/api/v1/bookings", cached.auth)).status;
      return s === 401 && s;
    },
    "a 401 for the cached token once its cache entry lapsed",
    config.TOKEN_VERSION_CACHE_MS + 2000,
  );
  t.is(status, 401);
  t.true(Date.now() - deleted <= config.TOKEN_VERSION_CACHE_MS + 500, `401 after ${Date.now() - deleted} ms`);
});
