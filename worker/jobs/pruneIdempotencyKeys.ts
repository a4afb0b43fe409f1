import { config } from "../../shared/config.js";
import { execute } from "../../shared/domain/commands/execute.js";
import { pruneIdempotencyKeys } from "../../shared/domain/idempotency/pruneKeys.js";
import { defineJob } from "./defineJob.js";

/** Scheduled (hourly): idempotency keys older than IDEMPOTENCY_KEY_TTL_HOURS are forgotten. */
export default defineJob({
  name: "pruneIdempotencyKeys",
  options: { retry: false, concurrency: 1 },
  async handler(_data, { deps, log }) {
    const olderThanHours = config.IDEMPOTENCY_KEY_TTL_HOURS;
    const deleted = await execute(pruneIdempotencyKeys, { actor: null, input: { olderThanHours } }, deps);
    if (deleted) log.info({ deleted, olderThanHours }, "pruned old idempotency keys");
  },
});
