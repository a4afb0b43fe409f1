import { config } from "../../shared/config.js";
import { pruneLoginEvents } from "../../shared/domain/accounts/pruneLoginEvents.js";
import { execute } from "../../shared/domain/commands/execute.js";
import { defineJob } from "./defineJob.js";

/** Scheduled (daily): login events older than LOGIN_EVENT_RETENTION_DAYS are deleted. */
export default defineJob({
  name: "pruneLoginEvents",
  options: { retry: false, concurrency: 1 },
  async handler(_data, { deps, log }) {
    const olderThanDays = config.LOGIN_EVENT_RETENTION_DAYS;
    const deleted = await execute(pruneLoginEvents, { actor: null, input: { olderThanDays } }, deps);
    if (deleted) log.info({ deleted, olderThanDays }, "pruned old login events");
  },
});
