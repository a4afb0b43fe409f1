import type { Redis } from "ioredis";
import type { Orm } from "../../db/orm.js";

/** What listing and review commands need: the database, and Redis to invalidate cached searches. */
export interface ListingDeps {
  orm: Orm;
  redis: Redis;
}
