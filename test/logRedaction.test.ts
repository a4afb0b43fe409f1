import "./helpers/env.js";
import "./helpers/generousRateLimits.js";

import { randomUUID } from "node:crypto";
import test from "ava";
import { createLogger } from "../shared/logger.js";
import { REDACTED } from "../shared/logRedaction.js";
import { createGuest, db } from "./helpers/factories.js";
import { apiClient } from "./helpers/http.js";
import { freePort, spawnEntry } from "./helpers/processes.js";

function memoryLogger() {
  const lines: string[] = [];
  const log = createLogger({ write: (line: string) => void lines.push(line) });
  return { log, text: () => lines.join("") };
}

test("redact: authorization, cookies, tokens, passwords, hashes and secrets, at the top and nested", (t) => {
  const { log, text } = memoryLogger();
  const secrets = {
    bearer: `Bearer ${randomUUID()}`,
    cookie: `sid=${randomUUID()}`,
    token: randomUUID(),
    password: `pw-${randomUUID()}`,
    hash: `scrypt$16384$8$1$${randomUUID()}`,
    current: `cur-${randomUUID()}`,
    next: `new-${randomUUID()}`,
    secret: `sec-${randomUUID()}`,
  };
  log.warn(
    {
      req: { headers: { authorization: secrets.bearer, cookie: secrets.cookie, "x-chapa-signature": secrets.secret } },
      token: secrets.token,
      body: { password: secrets.password, currentPassword: secrets.current, newPassword: secrets.next },
      user: { passwordHash: secrets.hash, row: { password_hash: secrets.hash } },
      config: { JWT_SECRET: secrets.secret },
      url: `/api/v1/x?page=2&token=${secrets.token}`,
    },
    "everything secret",
  );
  const logged = text();
  for (const [name, value] of Object.entries(secrets)) t.false(logged.includes(value), `${name} leaked: ${logged}`);
  const line = JSON.parse(logged);
  t.is(line.req.headers.authorization, REDACTED);
  t.is(line.user.row.password_hash, REDACTED);
  t.is(line.url, `/api/v1/x?page=2&token=${REDACTED}`);
  t.is(line.msg, "everything secret");
});

test("an error message carrying a statement (logged as a string) keeps only PostgreSQL's words", (t) => {
  const { log, text } = memoryLogger();
  log.warn(
    {
      err: `insert into "users" ("email", "password_hash") values ('ada@example.test', 'scrypt$1$2$3$abc') - duplicate key value violates unique constraint "users_email_unique"\n - detail: Key (email)=(ada@example.test) already exists.`,
    },
    "job failed",
  );
  const line = JSON.parse(text());
  t.is(line.err, '[query omitted] - duplicate key value violates unique constraint "users_email_unique"');
});

test("a web process logs failing inserts by SQLSTATE, constraint and table: no statement, hash, email, password or token", async (t) => {
  // This file's own database: two constraints registration does not expect, so its inserts fail
  // unexpectedly (500) with the new row (password hash included) in the statement and the detail.
  await db().query("alter table users add constraint test_no_boom check (name <> 'Boom Name')");
  await db().query("create unique index test_users_name_unique on users (name) where name = 'Dup Name'");
  const port = await freePort();
  const web = spawnEntry("server/main.ts", { PORT: String(port), LOG_LEVEL: "debug" });
  t.teardown(() => web.stop("SIGKILL"));
  await web.waitFor(/web listening/, 30_000);
  const api = apiClient(`http://127.0.0.1:${port}`);
  const caller = await createGuest();
  const queryToken = randomUUID();
  const attempts = [
    { email: `boom-${randomUUID().slice(0, 8)}@example.test`, name: "Boom Name", password: `pw-${randomUUID()}` },
    { email: `dup1-${randomUUID().slice(0, 8)}@example.test`, name: "Dup Name", password: `pw-${randomUUID()}` },
    { email: `dup2-${randomUUID().slice(0, 8)}@example.test`, name: "Dup Name", password: `pw-${randomUUID()}` },
  ];
  const statuses: number[] = [];
  for (const body of attempts) {
    const res = await api.post(`/api/v1/auth/register?token=${queryToken}`, body, caller.auth);
    statuses.push(res.status);
  }
  t.deepEqual(statuses, [500, 201, 500]);
  await web.waitFor(/23505/);
  const logged = web.output();

  // Named by what it is …
  const failures = logged
    .split("\n")
    .filter((line) => line.includes('"unexpected error"'))
    .map((line) => JSON.parse(line).err);
  t.is(failures.length, 2, logged);
  t.like(failures[0], {
    code: "23514",
    constraint: "test_no_boom",
    table: "users",
    detail: "Failing row contains (…)",
  });
  t.like(failures[1], {
    code: "23505",
    constraint: "test_users_name_unique",
    table: "users",
    detail: "Key (name)=(…) already exists",
  });
  t.regex(failures[1].message, /duplicate key value violates unique constraint "test_users_name_unique"/);
  // … and nothing it carried.
  t.false(/scrypt/.test(logged), "no password hash");
  t.false(/insert into/i.test(logged), "no statement");
  for (const body of attempts) {
    t.false(logged.includes(body.email), "no email");
    t.false(logged.includes(body.password), "no password");
  }
  t.false(logged.includes(caller.token), "no bearer token");
  t.false(logged.includes(queryToken), "no token from the URL");
  t.true(logged.includes(`token=${REDACTED}`), "the request line is there, with its token redacted");
});
