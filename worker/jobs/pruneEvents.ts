import { config } from "../../shared/config.js";
import { pruneEvents } from "../../shared/domain/events/pruneEvents.js";
import { defineJob } from "./defineJob.js";

/** Scheduled (daily): events older than EVENT_RETENTION_DAYS are deleted (they leave the replay window). */
export default defineJob({
  name: "pruneEvents",
  options: { retry: false, concurrency: 1 },
  async handler(_data, { deps, log }) {
    const deleted = await pruneEvents(deps.orm, { olderThanDays: config.EVENT_RETENTION_DAYS });
    if (deleted) log.info({ deleted, olderThanDays: config.EVENT_RETENTION_DAYS }, "pruned old events");
  },
});
