import type { Redis } from "ioredis";
import type { Orm } from "../shared/db/orm.js";
import type { JobProducer } from "../shared/jobs/queue.js";
import type { ObjectStorage } from "../shared/storage/objectStorage.js";

declare module "koa" {
  interface DefaultContext {
    /** The app's ORM on every ctx (buildApp sets it on app.context, as Koa suggests for a db handle). */
    orm: Orm;
    /** The app's request-path Redis (requireUser reads cached token versions through it). */
    redis: Redis;
  }
}

/** What the web process is built from; main.ts opens them, tests open their own. */
export interface AppDeps {
  orm: Orm;
  redis: Redis;
  jobs: JobProducer;
  /** A streaming replica for search reads (DATABASE_REPLICA_URL), or none. */
  replica?: Orm | null;
  /** Photo storage; the configured one (shared/storage/photoStorage.ts) when absent. */
  storage?: ObjectStorage;
}
