import { publishPendingEvents } from "../../shared/events/relay.js";
import { defineJob } from "./defineJob.js";

/**
 * The real-time relay: publishes events committed but not published by the fast path (a process
 * died after commit, Redis was down). Events younger than a second are left to the fast path.
 */
export default defineJob({
  name: "publishEvents",
  options: { retry: false, concurrency: 1 },
  async handler(_data, { deps, log }) {
    let published = 0;
    for (let batch = -1; batch !== 0; ) {
      batch = await publishPendingEvents(deps.orm, deps.publisher, { minAgeMs: 1000, limit: 500 });
      published += batch;
    }
    if (published) log.info({ published }, "relayed unpublished events");
  },
});
