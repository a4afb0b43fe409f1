import type { Redis } from "ioredis";
import { config } from "../../config.js";
import type { Orm } from "../../db/orm.js";
import { logger } from "../../logger.js";
import type { ChapaClient } from "../../payments/chapa/client.js";
import { execute } from "../commands/execute.js";
import type { PaymentView } from "../payments/view.js";
import { verifyAndSettle } from "./settlePayment.js";
import { findPayment, toPaymentView } from "./store.js";

export interface SignalAnswer {
  /** The payment after this signal: settled now, or as stored; null when the tx_ref is unknown. */
  payment: PaymentView | null;
  /** False when another signal's verify (in flight, or within CHAPA_VERIFY_DEDUPE_SECONDS) answered for this one. */
  verified: boolean;
}

export type SignalVerifier = (txRef: string) => Promise<SignalAnswer>;

/**
 * verifyAndSettle for the unsigned signals anyone can send (the browser's return, the callback GET):
 * at most one Chapa verify per tx_ref at a time and per CHAPA_VERIFY_DEDUPE_SECONDS, however many
 * arrive, so a flood of them cannot turn into a flood of calls to Chapa (each verify may retry 3 times).
 *  - In this instance, concurrent calls share one promise (single-flight): they all get its result.
 *  - Across web instances, a Redis key (SET NX with that TTL) elects one verifier; the others, and
 *    every call until the key expires, answer from the stored payment (which the verify settles).
 * Unknown and settled payments cost neither a key nor a call. Without Redis, the in-process flight
 * alone applies (degraded, never refused). Throws ChapaError like verifyAndSettle when it verified.
 */
export function createSignalVerifier(deps: { orm: Orm; chapa: ChapaClient; redis: Redis }): SignalVerifier {
  // Per web instance (one per app, so two apps in one test process are two instances).
  const inFlight = new Map<string, Promise<SignalAnswer>>();
  return (txRef) => {
    const running = inFlight.get(txRef);
    if (running) return running;
    const flight = verifyUnlessRecent(deps, txRef).finally(() => inFlight.delete(txRef));
    inFlight.set(txRef, flight);
    return flight;
  };
}

async function verifyUnlessRecent(
  { orm, chapa, redis }: { orm: Orm; chapa: ChapaClient; redis: Redis },
  txRef: string,
): Promise<SignalAnswer> {
  const stored = await findPayment(orm.em.fork(), { txRef });
  if (stored?.status !== "pending") {
    return { payment: stored ? toPaymentView(stored) : null, verified: false };
  }
  if (!(await claimVerify(redis, txRef))) return { payment: toPaymentView(stored), verified: false };
  const { payment } = await execute(verifyAndSettle, { actor: null, input: { txRef } }, { orm, chapa, redis });
  return { payment, verified: true };
}

/** True when this call may verify: it set the tx_ref's key, or Redis cannot say (then every instance may). */
async function claimVerify(redis: Redis, txRef: string): Promise<boolean> {
  if (redis.status !== "ready") return true;
  try {
    const key = `${config.REDIS_KEY_PREFIX}chapa-verify:${txRef}`;
    return (await redis.set(key, String(process.pid), "EX", config.CHAPA_VERIFY_DEDUPE_SECONDS, "NX")) === "OK";
  } catch (err) {
    logger.warn({ txRef, err: (err as Error).message }, "verify dedupe key unavailable; verifying anyway");
    return true;
  }
}
