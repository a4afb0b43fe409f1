import { z } from "zod";
import { currencySchema } from "../currency.js";
import { paymentStatusSchema } from "./status.js";

/**
 * A payment as its guest and host see it (and the payment.updated event carries): the one
 * definition. Never the mode, Chapa's reference or the refund bookkeeping.
 */
export const paymentViewSchema = z.object({
  id: z.uuid(),
  bookingId: z.uuid(),
  txRef: z.string().describe("Our reference of the Chapa transaction"),
  status: paymentStatusSchema,
  amount: z.int().describe("Minor units: 12550 is 125.50"),
  currency: currencySchema,
  refundedAmount: z
    .int()
    .describe("Minor units given back so far: all of amount once refunded, part of it after a partial refund"),
  checkoutUrl: z.url().nullable().describe("Chapa's hosted checkout; open it to pay"),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type PaymentView = z.infer<typeof paymentViewSchema>;
