import { z } from "zod";
import { paymentSchema } from "../../presenters/payment.js";

const txRef = z.string().trim().min(1).max(100);

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
    ref_id: z.string().max(100).optional().meta({ description: "Chapa's reference (not trusted)" }),
    status: z.string().max(40).optional().meta({ description: "Chapa's claim (not trusted: verified)" }),
  })
  .refine((q) => q.trx_ref || q.tx_ref, { message: "trx_ref is required", path: ["trx_ref"] });

/** Chapa's webhook body: flat, or the same fields under `data`. Only tx_ref matters; Chapa is asked for the rest. */
export const chapaWebhookBody = z.looseObject({
  event: z.string().optional().meta({ example: "charge.success" }),
  tx_ref: z.string().optional(),
  status: z.string().optional(),
  amount: z.union([z.string(), z.number()]).optional(),
  currency: z.string().optional(),
  mode: z.string().optional(),
  reference: z.string().optional(),
  data: z.looseObject({ tx_ref: z.string().optional() }).optional(),
});

export const webhookResponse = z.object({
  received: z.literal(true),
  outcome: z
    .string()
    .meta({ description: "confirmed, failed, refund_requested, already_settled, unknown, mismatch, …" }),
  duplicate: z.boolean().meta({ description: "This exact delivery was already processed" }),
});

export const callbackResponse = z.object({ received: z.literal(true) });
