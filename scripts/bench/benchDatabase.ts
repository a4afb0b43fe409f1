import { randomBytes } from "node:crypto";
import pg from "pg";

/**
 * A benchmark's own throwaway database, cloned from the test template when there is one, and its own
 * Redis key prefix. Call it at the top of the benchmark, before any app module is imported: it sets
 * DATABASE_URL and REDIS_KEY_PREFIX, and config is read once, at import.
 */
export function benchDatabase(name: string): { url: string; create(): Promise<void>; drop(): Promise<void> } {
  const adminUrl = process.env.BENCH_ADMIN_DATABASE_URL ?? "postgres://nexus@127.0.0.1:54329/postgres";
  const template = process.env.TEST_TEMPLATE_DATABASE ?? "nexus_test_template";
  const suffix = randomBytes(4).toString("hex");
  const database = `nexus_bench_${name}_${suffix}`;
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  process.env.DATABASE_URL = url.toString();
  process.env.REDIS_KEY_PREFIX = `bench${name}${suffix}:`;

  const admin = async <T>(fn: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  return {
    url: url.toString(),
    /**
     * Creates the database and applies the migrations added since the template was made. Prints
     * whether PostgreSQL runs durable: figures with fsync off (NEXUS_PG_FAST=1) are not comparable.
     */
    async create() {
      await admin(async (c) => {
        const { rowCount } = await c.query("select 1 from pg_database where datname = $1", [template]);
        await c.query(rowCount ? `create database ${database} template ${template}` : `create database ${database}`);
        const settings = ["fsync", "synchronous_commit", "full_page_writes"];
        const values: string[] = [];
        for (const name of settings) values.push((await c.query(`show ${name}`)).rows[0][name]);
        const durable = values.every((v) => v === "on");
        const shown = settings.map((name, i) => `${name}=${values[i]}`).join(", ");
        console.log(`PostgreSQL: ${durable ? "durable" : "NOT durable (NEXUS_PG_FAST)"} (${shown})`);
      });
      const { initOrm } = await import("../../shared/db/orm.js");
      const orm = await initOrm();
      await orm.getMigrator().up();
      await orm.close();
    },
    async drop() {
      await admin((c) => c.query(`drop database if exists ${database} with (force)`));
    },
  };
}
