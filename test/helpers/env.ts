/**
 * Imported first by every test file (before anything that reads config): gives the file its own
 * fresh database, cloned from the migrated template that scripts/test.sh prepares, and its own
 * Redis key prefix, so test files running in parallel never see each other's data.
 *
 * The environment is set synchronously on purpose: a top-level await here would not stop sibling
 * imports (and so the config module) from being evaluated first. The database itself is created
 * by a before() hook.
 */
import { randomBytes } from "node:crypto";
import test from "ava";
import pg from "pg";

const adminUrl = process.env.TEST_ADMIN_DATABASE_URL ?? "postgres://nexus@127.0.0.1:54329/postgres";
// TEST_CLONE_DATABASE: clone that database instead of the template (e.g. nexus_scale, to run a test
// against the big database of `npm run seed:scale`); scripts/test.sh's template is never it.
const template = process.env.TEST_CLONE_DATABASE ?? process.env.TEST_TEMPLATE_DATABASE ?? "nexus_test_template";
const suffix = randomBytes(5).toString("hex");
export const databaseName = `nexus_t_${suffix}`;

const url = new URL(adminUrl);
url.pathname = `/${databaseName}`;
export const databaseUrl = url.toString();

process.env.NODE_ENV = "test";
process.env.DATABASE_URL = databaseUrl;
process.env.REDIS_URL ??= "redis://127.0.0.1:63799";
process.env.REDIS_KEY_PREFIX = `t${suffix}:`;
process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? "warn";
process.env.MAIL_DIR = `test-output/mail/${suffix}`;
process.env.MEDIA_DIR = `test-output/media/${suffix}`;
// scrypt at 2^12 instead of production's 2^17 (128 MiB, ~0.3 s a hash): config allows it only in
// NODE_ENV=test; test/passwords.test.ts checks the production parameters separately.
process.env.PASSWORD_SCRYPT_LOG2_N ??= "12";

test.serial.before("fresh database for this file", async () => {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${databaseName} template ${template}`);
  } finally {
    await admin.end();
  }
  // Migrations added since the template was made apply here too.
  const { initOrm } = await import("../../shared/db/orm.js");
  const orm = await initOrm({ clientUrl: databaseUrl });
  await orm.getMigrator().up();
  await orm.close();
});
