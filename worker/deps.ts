import type { Redis } from "ioredis";
import type { Orm } from "../shared/db/orm.js";
import type { Queue } from "../shared/jobs/queue.js";

/** What job handlers may use; opened once by main.ts. */
export interface WorkerDeps {
  orm: Orm;
  redis: Redis;
  queue: Queue;
}
