/**
 * Applies pending migrations (`npm run migrate`, the Procfile's release step), or with --create
 * generates the next migration from the difference between the entities and the database, or with
 * --wait applies nothing and waits (MIGRATE_WAIT_SECONDS, default 600) until none is pending: the
 * init container of every Kubernetes pod (deploy/k8s), so a new pod never runs on an older schema.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { initOrm } from "../shared/db/orm.js";
import { logger } from "../shared/logger.js";

const orm = await initOrm();
try {
  const migrator = orm.getMigrator();
  if (process.argv.includes("--wait")) {
    const deadline = Date.now() + Number(process.env.MIGRATE_WAIT_SECONDS ?? 600) * 1000;
    for (;;) {
      const pending = await migrator.getPendingMigrations();
      if (!pending.length) break;
      if (Date.now() > deadline) {
        logger.fatal({ pending: pending.map((m) => m.name) }, "migrations still pending; giving up");
        process.exitCode = 1;
        break;
      }
      logger.info({ pending: pending.map((m) => m.name) }, "waiting for the release's migrations");
      await sleep(2000);
    }
    if (!process.exitCode) logger.info("schema up to date");
  } else if (process.argv.includes("--create")) {
    const result = await migrator.createMigration(undefined, false, process.argv.includes("--initial"));
    logger.info({ file: result.fileName, empty: !result.diff.up.length }, "migration created");
  } else {
    const done = await migrator.up();
    logger.info({ applied: done.map((m) => m.name) }, done.length ? "migrations applied" : "schema up to date");
  }
} finally {
  await orm.close();
}
