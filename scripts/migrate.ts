/**
 * Applies pending migrations (`npm run migrate`, the Procfile's release step), or with --create
 * generates the next migration from the difference between the entities and the database.
 */
import { initOrm } from "../shared/db/orm.js";
import { logger } from "../shared/logger.js";

const orm = await initOrm();
try {
  const migrator = orm.getMigrator();
  if (process.argv.includes("--create")) {
    const result = await migrator.createMigration(undefined, false, process.argv.includes("--initial"));
    logger.info({ file: result.fileName, empty: !result.diff.up.length }, "migration created");
  } else {
    const done = await migrator.up();
    logger.info({ applied: done.map((m) => m.name) }, done.length ? "migrations applied" : "schema up to date");
  }
} finally {
  await orm.close();
}
