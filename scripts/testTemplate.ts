/**
 * Prepares the test run: drops the databases of earlier runs and migrates a fresh template that
 * every test file clones (CREATE DATABASE … TEMPLATE is far faster than migrating each time).
 */
import pg from "pg";

const adminUrl = process.env.TEST_ADMIN_DATABASE_URL ?? "postgres://nexus@127.0.0.1:54329/postgres";
const template = process.env.TEST_TEMPLATE_DATABASE ?? "nexus_test_template";

const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
const old = await admin.query<{ datname: string }>(
  "select datname from pg_database where datname like 'nexus\\_t\\_%' or datname = $1",
  [template],
);
for (const { datname } of old.rows) await admin.query(`drop database if exists ${datname} with (force)`);
await admin.query(`create database ${template}`);
await admin.end();

const url = new URL(adminUrl);
url.pathname = `/${template}`;
process.env.DATABASE_URL = url.toString();
process.env.NODE_ENV = "test";
process.env.LOG_LEVEL = "warn";
const { initOrm } = await import("../shared/db/orm.js");
const orm = await initOrm();
await orm.getMigrator().up();
await orm.close();
console.log(`test template ${template} migrated`);
