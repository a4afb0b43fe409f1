import { runCommand } from "../../shared/db/runCommand.js";
import { completePastStays } from "../../shared/domain/bookings/completePastStays.js";
import { defineJob } from "./defineJob.js";

const BATCH = 500;

/** Scheduled (daily): confirmed stays whose check-out day has come become completed; guests are asked for a review. */
export default defineJob({
  name: "completePastStays",
  options: { retry: false, concurrency: 1 },
  async handler(_data, { deps, log }) {
    let completed = 0;
    for (let batch = BATCH; batch === BATCH; completed += batch) {
      batch = await runCommand(deps.orm, (tx) => completePastStays(tx, { limit: BATCH }));
    }
    if (completed) log.info({ completed }, "completed past stays");
  },
});
