import { config } from "../../shared/config.js";
import { reconcilePendingPayments } from "../../shared/domain/payments/reconcilePayments.js";
import { chapaFromConfig } from "../../shared/payments/chapa/fromConfig.js";
import { defineJob } from "./defineJob.js";

/** Scheduled (5 min): pending payments whose webhook never came are verified with Chapa and settled. */
export default defineJob({
  name: "reconcilePayments",
  options: { retry: false, concurrency: 1 },
  async handler(_data, { deps, log }) {
    const result = await reconcilePendingPayments(deps.orm, chapaFromConfig(), {
      olderThanMinutes: config.RECONCILE_PAYMENTS_OLDER_THAN_MINUTES,
    });
    if (result.checked) log.info(result, "reconciled pending payments");
  },
});
