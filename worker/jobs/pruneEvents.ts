import { config } from "../../shared/config.js";
import { execute } from "../../shared/domain/commands/execute.js";
import { pruneEvents } from "../../shared/domain/events/pruneEvents.js";
import { defineJob } from "./defineJob.js";

/** Scheduled (daily): events older than EVENT_RETENTION_DAYS are deleted (they leave the replay window). */
export default defineJob({
  name: "pruneEvents",
  options: { retry: false, concurrency: 1 },
  async handler(_data, { deps, log }) {
    const deleted = await execute(
      pruneEvents,
      { actor: null, input: { olderThanDays: config.EVENT_RETENTION_DAYS } },
      deps,
    );
    if (deleted) log.info({ deleted, olderThanDays: config.EVENT_RETENTION_DAYS }, "pruned old events");
  },
});
