import { sweepLapsedRequests } from "../../shared/domain/bookings/declineLapsedRequests.js";
import { execute } from "../../shared/domain/commands/execute.js";
import { defineJob } from "./defineJob.js";

/** Scheduled: requests to book whose host did not answer by the deadline become declined. */
export default defineJob({
  name: "declineLapsedRequests",
  options: { retry: false, concurrency: 1 },
  async handler(_data, { deps, log }) {
    const declined = await execute(sweepLapsedRequests, { actor: null, input: {} }, deps);
    if (declined) log.info({ declined }, "declined requests past their deadline");
  },
});
