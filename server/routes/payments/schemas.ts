import { z } from "zod";
import { singleLine } from "../../../shared/text.js";
import { paymentSchema } from "../../presenters/payment.js";

const txRef = singleLine({ max: 100 });
const optionalText = (max: number) => singleLine({ max, min: 0 }).optional();

export const paymentResponse = z.object({ payment: paymentSchema });

export const txRefParams = z.object({ txRef: txRef.meta({ description: "The payment's txRef" }) });

export const returnQuery = z.object({
  tx_ref: txRef.meta({ description: "Set by us in return_url; Chapa sends the browser back with it" }),
});

/** Chapa's callback GET names the transaction `trx_ref`; `tx_ref` is accepted too. */
export const callbackQuery = z
  .object({
    trx_ref: txRef.optional(),
    tx_ref: txRef.optional(),
    ref_id: optionalText(100).meta({ description: "Chapa's reference (not trusted)" }),
    status: optionalText(40).meta({ description: "Chapa's claim (not trusted: verified)" }),
  })
  .refine((q) => q.trx_ref || q.tx_ref, { message: "trx_ref is required", path: ["trx_ref"] });

/**
 * Chapa's webhook body: flat, or the same fields under `data`. Only tx_ref matters; Chapa is asked for
 * the rest. Documentation only: a signed delivery is recorded whatever it holds (receiveChapaWebhook).
 */
export const chapaWebhookBody = z.looseObject({
  event: optionalText(80).meta({ example: "charge.success" }),
  tx_ref: optionalText(100),
  status: optionalText(40),
  amount: z.union([optionalText(40), z.number()]).optional(),
  currency: optionalText(10),
  mode: optionalText(20),
  reference: optionalText(100),
  data: z.looseObject({ tx_ref: optionalText(100) }).optional(),
});

export const webhookResponse = z.object({
  received: z.literal(true),
  outcome: z
    .string()
    .meta({ description: "confirmed, failed, refund_requested, already_settled, unknown, mismatch, …" }),
  duplicate: z.boolean().meta({ description: "This exact delivery was already processed" }),
});

export const callbackResponse = z.object({ received: z.literal(true) });
