import { Migrator } from "@mikro-orm/migrations";
import { defineConfig, type Options } from "@mikro-orm/postgresql";
import { config } from "../config.js";
import { logger } from "../logger.js";
import { entities } from "./entities/index.js";
import { migrationsList } from "./migrations/index.js";

export function ormOptions(overrides: Partial<Options> = {}): Options {
  return defineConfig({
    clientUrl: config.DATABASE_URL,
    entities,
    extensions: [Migrator],
    // Entities are plain schemas (defineEntity); no reflection or discovery from files.
    discovery: { warnWhenNoEntities: true },
    // A database that is away must not make requests wait: no connection within the acquire timeout
    // (pool, below) is 503 service_unavailable (unavailable.ts). knex drops dead connections and replaces them.
    driverOptions: {
      connection: {
        connectionTimeoutMillis: config.DATABASE_CONNECT_TIMEOUT_MS,
        idle_in_transaction_session_timeout: config.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
      },
      // knex writes a dropped connection ("Connection Error: …") to the console; keep it in our logs.
      log: {
        warn: (message: string) => logger.warn({ db: true }, String(message)),
        error: (message: string) => logger.error({ db: true }, String(message)),
        deprecate: (message: string) => logger.debug({ db: true }, String(message)),
        debug: (message: string) => logger.debug({ db: true }, String(message)),
      },
    },
    forceUtcTimezone: true,
    debug: false,
    // Agenda owns its table (created by the initial migration); keep it out of schema diffs.
    schemaGenerator: { skipTables: ["agenda_jobs"] },
    logger: (msg) => logger.debug({ orm: true }, msg),
    migrations: {
      // An explicit list works the same under tsx and from the built dist/.
      migrationsList,
      path: "shared/db/migrations",
      pathTs: "shared/db/migrations",
      emit: "ts",
      snapshot: false,
      transactional: true,
      allOrNothing: true,
    },
    ...overrides,
    // 10 rather than 20 on the 2-core dev machine: booking creation +8 % req/s, p99 −15 % (bench:http).
    pool: {
      min: 0,
      max: config.DATABASE_POOL_MAX,
      acquireTimeoutMillis: config.DATABASE_ACQUIRE_TIMEOUT_MS,
      ...overrides.pool,
    },
  });
}
