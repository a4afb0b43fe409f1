import { completePastStaysSweep } from "../../shared/domain/bookings/completePastStays.js";
import { execute } from "../../shared/domain/commands/execute.js";
import { defineJob } from "./defineJob.js";

/** Scheduled (daily): confirmed stays whose check-out day has come become completed; guests are asked for a review. */
export default defineJob({
  name: "completePastStays",
  options: { retry: false, concurrency: 1 },
  async handler(_data, { deps, log }) {
    const completed = await execute(completePastStaysSweep, { actor: null, input: {} }, deps);
    if (completed) log.info({ completed }, "completed past stays");
  },
});
