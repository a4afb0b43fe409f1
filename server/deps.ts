import type { Redis } from "ioredis";
import type { Orm } from "../shared/db/orm.js";
import type { JobProducer } from "../shared/jobs/queue.js";

/** What the web process is built from; main.ts opens them, tests open their own. */
export interface AppDeps {
  orm: Orm;
  redis: Redis;
  jobs: JobProducer;
}
