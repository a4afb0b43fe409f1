import { config } from "../../shared/config.js";
import { execute } from "../../shared/domain/commands/execute.js";
import { reconcilePendingPayments } from "../../shared/domain/payments/reconcilePayments.js";
import { chapaFromConfig } from "../../shared/payments/chapa/fromConfig.js";
import { defineJob } from "./defineJob.js";

/** Scheduled (5 min): pending payments whose webhook never came are verified with Chapa and settled. */
export default defineJob({
  name: "reconcilePayments",
  options: { retry: false, concurrency: 1 },
  async handler(_data, { deps, log }) {
    const result = await execute(
      reconcilePendingPayments,
      { actor: null, input: { olderThanMinutes: config.RECONCILE_PAYMENTS_OLDER_THAN_MINUTES } },
      { ...deps, chapa: chapaFromConfig() },
    );
    if (result.checked) log.info(result, "reconciled pending payments");
  },
});
