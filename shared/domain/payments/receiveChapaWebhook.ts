import { createHash } from "node:crypto";
import { z } from "zod";
import { config } from "../../config.js";
import type { Orm } from "../../db/orm.js";
import { sql } from "../../db/sql.js";
import { AppError } from "../../errors.js";
import { logger } from "../../logger.js";
import { ChapaError } from "../../payments/chapa/client.js";
import { verifyWebhookSignature, type WebhookHeaders } from "../../payments/chapa/signature.js";
import { singleLine, storableJson } from "../../text.js";
import { defineCommand } from "../commands/define.js";
import { execute } from "../commands/execute.js";
import { type ChapaDeps, type SettleOutcome, verifyAndSettle } from "./settlePayment.js";

export interface WebhookDelivery {
  /** The exact bytes Chapa signed (ctx.request.rawBody), never a re-serialisation of the parsed body. */
  rawBody?: string;
  headers: WebhookHeaders;
  /** The parsed JSON body. */
  body: unknown;
}

export interface WebhookResult {
  /** `ignored` when the body names no tx_ref; otherwise what settling led to. */
  outcome: SettleOutcome | "ignored";
  /** The same delivery had already been processed: nothing was done again. */
  duplicate: boolean;
}

interface Receipt {
  id: number;
  outcome: string | null;
  processed_at: Date | null;
}

/**
 * Chapa's webhook, end to end: the signature is checked on the raw body in constant time (401
 * invalid_signature, nothing stored); the delivery is recorded in webhook_receipts, deduplicated by
 * the sha256 of the raw body (a redelivery of a processed one is answered without doing anything);
 * then the tx_ref is verified with Chapa and settled, since the webhook is only a signal.
 * If Chapa cannot be asked, this throws 502 payment_provider_error: the receipt stays unprocessed and
 * Chapa's retry of the same delivery processes it (reconciliation covers retries that never come).
 */
export const receiveChapaWebhook = defineCommand({
  name: "payments.receiveChapaWebhook",
  actor: "system",
  // Webhook receipts by outcome in nexus_commands_total (a redelivery counts as "duplicate").
  outcome: (r: WebhookResult) => (r.duplicate ? "duplicate" : r.outcome),
  input: z.object({ rawBody: z.string().optional(), headers: z.custom<WebhookHeaders>(), body: z.unknown() }),
  // Each step commits on its own: the receipt is recorded before Chapa is asked, and stays if that fails.
  transaction: "self",
  run: ({ input, deps }: { input: WebhookDelivery; deps: ChapaDeps }) => receive(deps, input),
});

async function receive(deps: ChapaDeps, delivery: WebhookDelivery): Promise<WebhookResult> {
  const { orm } = deps;
  const rawBody = delivery.rawBody ?? "";
  if (!verifyWebhookSignature(rawBody, delivery.headers, config.CHAPA_WEBHOOK_SECRET)) {
    throw new AppError("invalid_signature", 401, "The webhook signature is not valid.");
  }
  const { event, txRef, body } = readWebhook(delivery.body);
  const receipt = await recordReceipt(orm, { dedupeKey: sha256(rawBody), event, txRef, body });
  if (receipt.processed_at) {
    return { outcome: (receipt.outcome ?? "ignored") as WebhookResult["outcome"], duplicate: true };
  }
  if (!txRef) {
    logger.warn({ receiptId: receipt.id, event }, "Chapa webhook without tx_ref; recorded and ignored");
    await finishReceipt(orm, receipt.id, "ignored");
    return { outcome: "ignored", duplicate: false };
  }
  try {
    const refundSignal = event === "charge.refunded";
    const { outcome } = await execute(verifyAndSettle, { actor: null, input: { txRef, refundSignal } }, deps);
    await finishReceipt(orm, receipt.id, outcome);
    return { outcome, duplicate: false };
  } catch (err) {
    // Left unprocessed, so Chapa's retry of this very delivery is processed rather than taken for a duplicate.
    await sql(orm.em.fork())("update webhook_receipts set outcome = 'error' where id = ? and processed_at is null", [
      receipt.id,
    ]);
    if (!(err instanceof ChapaError)) throw err;
    logger.warn(
      { txRef, receiptId: receipt.id, err: err.message },
      "could not verify a Chapa webhook; Chapa will retry",
    );
    throw new AppError("payment_provider_error", 502, "The payment could not be verified with Chapa; retry later.");
  }
}

const eventField = singleLine({ max: 80 });
const txRefField = singleLine({ max: 100 });

/**
 * Chapa sends the fields flat; some integrations nest them under `data`. Both are accepted. A field
 * that is not one line of text (NUL, control characters…) is taken as absent: no tx_ref of ours
 * looks like that, and a signed delivery is recorded rather than refused, since Chapa would retry it.
 */
function readWebhook(parsed: unknown): { event: string | null; txRef: string | null; body: Record<string, unknown> } {
  const body = isRecord(parsed) ? parsed : { value: parsed };
  const fields = isRecord(body.data) ? { ...body, ...body.data } : body;
  const text = (schema: typeof eventField, value: unknown) => schema.safeParse(value).data ?? null;
  return { event: text(eventField, fields.event), txRef: text(txRefField, fields.tx_ref ?? fields.trx_ref), body };
}

async function recordReceipt(
  orm: Orm,
  receipt: { dedupeKey: string; event: string | null; txRef: string | null; body: Record<string, unknown> },
): Promise<Receipt> {
  const em = orm.em.fork();
  const [inserted] = await sql(em)<Receipt>(
    `insert into webhook_receipts (provider, dedupe_key, event, tx_ref, body) values ('chapa', ?, ?, ?, ?::jsonb)
     on conflict (dedupe_key) do nothing returning id, outcome, processed_at`,
    // jsonb refuses NUL and lone surrogates: the stored copy has U+FFFD in their place (the raw body's
    // sha256 stays the dedupe key, so a redelivery is still recognised).
    [receipt.dedupeKey, receipt.event, receipt.txRef, storableJson(receipt.body)],
  );
  if (inserted) return inserted;
  const [existing] = await sql(em)<Receipt>(
    "select id, outcome, processed_at from webhook_receipts where dedupe_key = ?",
    [receipt.dedupeKey],
  );
  return existing;
}

async function finishReceipt(orm: Orm, id: number, outcome: string): Promise<void> {
  await sql(orm.em.fork())("update webhook_receipts set outcome = ?, processed_at = now() where id = ?", [outcome, id]);
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
