import { execute } from "../../shared/domain/commands/execute.js";
import { sampleOperations } from "../../shared/domain/ops/sampleOperations.js";
import { defineJob } from "./defineJob.js";

/** Scheduled (CRON_SAMPLE_OPERATIONS_EVERY): the operations page's gauges. */
export default defineJob({
  name: "sampleOperations",
  options: { retry: false, concurrency: 1 },
  async handler(_data, { deps }) {
    await execute(sampleOperations, { actor: null, input: {} }, { ...deps, agenda: deps.queue.agenda });
  },
});
