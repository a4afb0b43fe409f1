import { runCommand } from "../../shared/db/runCommand.js";
import { expireHolds } from "../../shared/domain/bookings/expireHolds.js";
import { invalidateSearchCache } from "../../shared/domain/listings/searchCache.js";
import { defineJob } from "./defineJob.js";

const BATCH = 500;

/**
 * Scheduled: unpaid holds past expiresAt become expired (events and emails in the same transaction).
 * Searches never showed those dates as taken (an expired hold blocks nothing), but cached answers
 * shaped by the holds are dropped once they are gone.
 */
export default defineJob({
  name: "expireUnpaidHolds",
  options: { retry: false, concurrency: 1 },
  async handler(_data, { deps, log }) {
    let expired = 0;
    for (let batch = BATCH; batch === BATCH; expired += batch) {
      batch = await runCommand(deps.orm, (tx) => expireHolds(tx, { limit: BATCH }));
    }
    if (!expired) return;
    await invalidateSearchCache(deps.redis);
    log.info({ expired }, "expired unpaid holds");
  },
});
