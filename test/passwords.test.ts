import "./helpers/env.js";
import "./helpers/generousRateLimits.js";

import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import test from "ava";
import { parseConfig } from "../shared/config.js";
import { isCommonPassword } from "../shared/domain/accounts/commonPasswords.js";
import { hashPassword, passwordParams, verifyPassword } from "../shared/domain/accounts/password.js";
import { db } from "./helpers/factories.js";
import { useApp } from "./helpers/useApp.js";

const { api } = useApp();

const uniqueEmail = () => `pw-${randomUUID().slice(0, 8)}@example.test`;
const register = (password: unknown) =>
  api.post("/api/v1/auth/register", { email: uniqueEmail(), password, name: "Pat" });
const storedHash = async (email: string) =>
  (await db().query("select password_hash from users where email = $1", [email])).rows[0].password_hash as string;

test("not overridden, passwords are hashed with scrypt N=2^17, r=8, p=1, stored with the hash", async (t) => {
  const defaults = parseConfig({});
  t.is(defaults.PASSWORD_SCRYPT_LOG2_N, 17);
  const params = passwordParams(defaults);
  t.deepEqual(params, { N: 131072, r: 8, p: 1 });
  const hash = await hashPassword("a production passphrase", params); // 128 MiB: over Node's default maxmem
  t.regex(hash, /^scrypt\$131072\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
  t.true((await verifyPassword("a production passphrase", hash)).ok);
  t.false((await verifyPassword("another passphrase", hash)).ok);
});

test("a lower scrypt cost is refused outside NODE_ENV=test, naming the variable", (t) => {
  for (const NODE_ENV of ["development", "production"]) {
    const err = t.throws(() => parseConfig({ NODE_ENV, PASSWORD_SCRYPT_LOG2_N: "12", JWT_SECRET: "x".repeat(40) }));
    t.regex(err?.message ?? "", /PASSWORD_SCRYPT_LOG2_N/, NODE_ENV);
  }
  t.is(parseConfig({ NODE_ENV: "test", PASSWORD_SCRYPT_LOG2_N: "12" }).PASSWORD_SCRYPT_LOG2_N, 12);
});

test("a hash made with older parameters still logs in, and is rehashed with today's at that login", async (t) => {
  const email = uniqueEmail();
  const old = await hashPassword("an old-style passphrase", { N: 1024, r: 8, p: 1 });
  await db().query("insert into users (email, name, password_hash) values ($1, 'Old', $2)", [email, old]);
  const first = await api.post("/api/v1/auth/login", { email, password: "an old-style passphrase" });
  t.is(first.status, 200);
  const { N, r, p } = passwordParams();
  const rehashed = await storedHash(email);
  t.not(rehashed, old);
  t.true(rehashed.startsWith(`scrypt$${N}$${r}$${p}$`), rehashed.slice(0, 20));
  t.is((await api.post("/api/v1/auth/login", { email, password: "an old-style passphrase" })).status, 200);
  t.is(await storedHash(email), rehashed, "a current hash is left alone");
  t.is((await api.post("/api/v1/auth/login", { email, password: "wrong passphrase" })).status, 401);
});

test("the shipped list holds 10,000 common passwords and is checked case-insensitively", (t) => {
  const list = readFileSync("shared/domain/accounts/commonPasswords.txt", "utf8").split("\n").filter(Boolean);
  t.is(list.length, 10_000);
  t.is(new Set(list).size, 10_000);
  for (const common of ["123456", "password", "12345678", "Password1", "  qwerty123  ", "LETMEIN1"]) {
    t.true(isCommonPassword(common), common);
  }
  for (const rare of ["kq7-vxm2", "correct-horse-battery", "long-password"]) t.false(isCommonPassword(rare), rare);
});

test("register refuses a blank, whitespace-only or common password with 400 validation_failed naming password", async (t) => {
  for (const password of ["        ", "\t\t\t\t\t\t\t\t\t", "password", "12345678", "Password123", "iloveyou"]) {
    const res = await register(password);
    t.is(res.status, 400, JSON.stringify(password));
    t.is(res.body.error.code, "validation_failed");
    t.true(
      res.body.error.details.some((d: { path: string }) => d.path === "password"),
      JSON.stringify(res.body.error.details),
    );
  }
  t.is((await register("a rare enough passphrase")).status, 201);
});
