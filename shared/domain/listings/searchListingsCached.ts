import type { Orm } from "../../db/orm.js";
import { defineQuery } from "../commands/define.js";
import type { CommandDeps } from "../deps.js";
import { type SearchFilters, searchQuerySchema } from "./schemas.js";
import type { SearchPage } from "./search.js";
import { cachedSearch } from "./searchCache.js";

/**
 * What a cached search needs besides the database and Redis: the web's renderer of a page (cached as
 * bytes), and the streaming replica to read from when there is one (DATABASE_REPLICA_URL).
 */
export interface SearchDeps extends CommandDeps {
  renderSearchPage: (page: SearchPage) => string;
  replica?: Orm | null;
}

/** GET /listings: active listings matching the filters, answered from the cache when possible. Public. */
export const searchListingsCached = defineQuery({
  name: "listings.search",
  actor: "system",
  input: searchQuerySchema,
  run: ({ input, deps }: { input: SearchFilters; deps: SearchDeps }) =>
    cachedSearch(deps, input, deps.renderSearchPage),
});
