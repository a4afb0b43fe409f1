import { runCommand } from "../../db/runCommand.js";
import type { CommandDeps } from "../deps.js";
import { invalidateSearchCache } from "../listings/searchCache.js";
import { expireHolds } from "./expireHolds.js";

const BATCH = 500;

/**
 * Every unpaid hold past expiresAt becomes expired (events and emails in the same transaction), in
 * batches of one transaction each. Searches never showed those dates as taken (an expired hold
 * blocks nothing), but cached answers shaped by the holds are dropped once they are gone.
 * Returns how many it expired.
 */
export async function sweepExpiredHolds(deps: CommandDeps): Promise<number> {
  let expired = 0;
  for (let batch = BATCH; batch === BATCH; expired += batch) {
    batch = await runCommand(deps.orm, (tx) => expireHolds(tx, { limit: BATCH }));
  }
  if (expired) await invalidateSearchCache(deps.redis);
  return expired;
}
