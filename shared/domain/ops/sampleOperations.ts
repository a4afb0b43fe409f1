import type { Agenda } from "agenda";
import { z } from "zod";
import { sql } from "../../db/sql.js";
import { logger } from "../../logger.js";
import { defineCommand } from "../commands/define.js";
import type { CommandTx } from "../commands/unitOfWork.js";
import type { CommandDeps } from "../deps.js";
import { socketsConnected } from "./socketCount.js";
import type { OpsGauges } from "./view.js";

/** What the sample needs: Redis (socket counts) and the job store, through Agenda's store-neutral query. */
export interface SampleDeps extends CommandDeps {
  agenda: Agenda;
}

/**
 * Samples the gauges of the operations page (sockets connected, queue depth, failed jobs), keeps the
 * sample (ops_samples: the page's last hour) and sends it through the event pipeline as `ops.sample`
 * (no user audience), which the relay's publisher folds into the admins' ops.update. Samples older
 * than a day are deleted as it goes: the page shows an hour.
 */
export const sampleOperations = defineCommand({
  name: "ops.sampleOperations",
  actor: "system",
  input: z.object({}),
  async run({ tx, deps }: { tx: CommandTx; deps: SampleDeps }) {
    const [sockets, queued, failed] = await Promise.all([
      socketsConnected(deps.redis).catch((err: Error) => {
        logger.debug({ err: err.message }, "socket count unavailable (Redis)");
        return 0;
      }),
      deps.agenda.queryJobs({ state: "queued", limit: 1 }),
      deps.agenda.queryJobs({ state: "failed", limit: 1 }),
    ]);
    const [row] = await sql(tx.em)<{ at: string }>(
      "insert into ops_samples (sockets, queue_depth, failed_jobs) values (?, ?, ?) returning utc_iso(at) as at",
      [sockets, queued.total, failed.total],
    );
    await sql(tx.em)("delete from ops_samples where at < now() - interval '1 day'");
    const gauges: OpsGauges = { at: row.at, sockets, queueDepth: queued.total, failedJobs: failed.total };
    await tx.emit({ type: "ops.sample", data: gauges });
    return gauges;
  },
});
