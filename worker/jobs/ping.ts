import { setTimeout as sleep } from "node:timers/promises";
import { defineJob } from "./defineJob.js";

/** Does nothing (optionally for a while): diagnostics, readiness of the pipeline, and the queue benchmark. */
export default defineJob({
  name: "ping",
  options: { retry: false },
  async handler(data) {
    if (data.sleepMs) await sleep(Math.min(data.sleepMs, 60_000));
  },
});
