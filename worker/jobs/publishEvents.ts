import { hasPendingEvents, publishPendingEvents } from "../../shared/events/relay.js";
import { defineJob } from "./defineJob.js";

/**
 * The real-time relay: publishes events committed but not published by a fast path (a process died
 * after commit, Redis was down), oldest first. It shares the publish lock with every fast path, so
 * it never sends an event twice nor a newer one before an older one; it sends everything pending.
 */
export default defineJob({
  name: "publishEvents",
  options: { retry: false, concurrency: 1 },
  async handler(_data, { deps, log }) {
    if (!(await hasPendingEvents(deps.orm))) return;
    if (deps.publisher.isReady?.() === false) {
      log.debug("Redis is down; events stay unpublished until it is back");
      return;
    }
    let published = 0;
    for (let batch = -1; batch !== 0; ) {
      batch = await publishPendingEvents(deps.orm, deps.publisher, { limit: 500 });
      published += batch;
    }
    if (published) log.info({ published }, "relayed unpublished events");
  },
});
