import { execute } from "../../shared/domain/commands/execute.js";
import { carryOutRefund } from "../../shared/domain/payments/carryOutRefund.js";
import { chapaFromConfig } from "../../shared/payments/chapa/fromConfig.js";
import { defineJob, PermanentJobError } from "./defineJob.js";

/**
 * Carries out one recorded `refund` side effect through Chapa. Network errors and Chapa 5xx are thrown
 * and retried with backoff; a refusal (4xx) has already been marked failed for an operator and ends the
 * job without retries. Running it again after success does nothing.
 */
export default defineJob({
  name: "refundPayment",
  async handler({ sideEffectId }, { deps, log }) {
    const result = await execute(
      carryOutRefund,
      { actor: null, input: { sideEffectId } },
      { ...deps, chapa: chapaFromConfig() },
    );
    if (result.status === "retry") throw result.error;
    if (result.status === "rejected") throw new PermanentJobError(result.reason);
    log.info({ sideEffectId, status: result.status }, "refund side effect handled");
  },
});
