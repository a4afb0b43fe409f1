import { relaySideEffects } from "../../shared/sideEffects/relay.js";
import { defineJob } from "./defineJob.js";

const BATCH = 200;

/** Scheduled: turns recorded side effects (emails, refunds) into one job each. */
export default defineJob({
  name: "relayOutbox",
  options: { retry: false, concurrency: 1 },
  async handler(_data, { deps, log }) {
    let relayed = 0;
    for (let batch = BATCH; batch === BATCH; relayed += batch) {
      batch = await relaySideEffects(deps.orm, deps.queue, { limit: BATCH });
    }
    if (relayed) log.info({ relayed }, "side effects turned into jobs");
  },
});
