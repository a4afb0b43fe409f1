import { sweepExpiredHolds } from "../../shared/domain/bookings/sweepExpiredHolds.js";
import { execute } from "../../shared/domain/commands/execute.js";
import { defineJob } from "./defineJob.js";

/** Scheduled: unpaid holds past expiresAt become expired. */
export default defineJob({
  name: "expireUnpaidHolds",
  options: { retry: false, concurrency: 1 },
  async handler(_data, { deps, log }) {
    const expired = await execute(sweepExpiredHolds, { actor: null, input: {} }, deps);
    if (expired) log.info({ expired }, "expired unpaid holds");
  },
});
