import type { Redis } from "ioredis";
import type { Orm } from "../db/orm.js";

/**
 * What a command that can change search results needs: the database, and Redis to invalidate
 * cached searches after its commit (see listings/searchCache.ts). Such commands take it and
 * invalidate themselves, so no caller can forget to.
 */
export interface CommandDeps extends DatabaseDeps {
  redis: Redis;
}

/** The least any command needs (scripts that open no Redis run commands that need nothing more). */
export interface DatabaseDeps {
  orm: Orm;
}
