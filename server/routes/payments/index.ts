import Router from "@koa/router";
import { config } from "../../../shared/config.js";
import { readPayment } from "../../../shared/domain/payments/readPayment.js";
import { startPayment } from "../../../shared/domain/payments/startPayment.js";
import { chapaForSignalsFromConfig, chapaFromConfig } from "../../../shared/payments/chapa/fromConfig.js";
import type { AppDeps } from "../../deps.js";
import { IDEMPOTENCY_HEADER, idempotent } from "../../middlewares/idempotency.js";
import { errorResponse, jsonResponse } from "../../openapi.js";
import { presentPayment } from "../../presenters/payment.js";
import { parse } from "../../validate.js";
import { bookingIdParams, idempotencyHeaders } from "../bookings/schemas.js";
import { idParam } from "../params.js";
import { route } from "../route.js";
import { addChapaSignalRoutes } from "./chapaSignals.js";
import { paymentResponse, txRefParams } from "./schemas.js";

const tags = ["payments"];
const security = [{ bearer: [] }];

/** Payments: start a Chapa checkout, read one; Chapa's signals (webhook, return, callback) in chapaSignals.ts. */
export function paymentRoutes(deps: AppDeps): Router {
  const router = new Router();
  const chapa = chapaFromConfig();

  route(
    router,
    { ...deps, chapa },
    {
      method: "post",
      path: "/bookings/:id/payments",
      auth: "user",
      use: [idempotent("payments.start", deps)],
      command: startPayment,
      input: (ctx) => ({ bookingId: idParam(ctx, "booking") }),
      status: ({ created }) => (created ? 201 : 200),
      present: ({ payment }) => ({ payment: presentPayment(payment) }),
      describe: {
        tags,
        security,
        summary: "Start paying a held booking through Chapa's hosted checkout",
        description:
          "Only the booking's guest, while the booking is pending_payment and its hold has not expired. Open " +
          "checkoutUrl to pay; the booking is confirmed once Chapa's payment is verified (webhook, return or " +
          "reconciliation). While a pending payment exists it is returned again with 200 instead of a new one " +
          `(201). Send an ${IDEMPOTENCY_HEADER} (one line of text, ≤ 255 chars) to retry safely: the same key replays the first response ` +
          `(keys are remembered for ${config.IDEMPOTENCY_KEY_TTL_HOURS} hours).`,
        requestParams: { path: bookingIdParams, header: idempotencyHeaders },
        responses: {
          "201": jsonResponse("A new payment, status pending, with Chapa's checkoutUrl.", paymentResponse),
          "200": jsonResponse("The booking's pending payment, returned again.", paymentResponse),
          "401": errorResponse("unauthenticated: no, bad or expired token."),
          "404": errorResponse("not_found: no such booking, or the caller is not its guest."),
          "409": errorResponse(
            "invalid_transition: the booking is not pending_payment; hold_expired: its hold has expired (book again); " +
              "payment_in_progress: a concurrent start is still waiting for Chapa; idempotency_conflict: key reused " +
              "with another request, or its first request is still running.",
          ),
          "502": errorResponse(
            "payment_provider_error: Chapa is unreachable or refused the checkout; nothing is left pending, retry.",
          ),
        },
      },
    },
  );

  // Registered before GET /payments/:txRef, which would otherwise take "return" and "callback" for a txRef.
  addChapaSignalRoutes(router, { ...deps, chapa, signalChapa: chapaForSignalsFromConfig() });

  route(router, deps, {
    method: "get",
    path: "/payments/:txRef",
    auth: "user",
    query: readPayment,
    input: (ctx) => parse(txRefParams, ctx.params),
    present: (payment) => ({ payment: presentPayment(payment) }),
    describe: {
      tags,
      security,
      summary: "A payment, for its payer, the listing's host or an admin",
      requestParams: { path: txRefParams },
      responses: {
        "200": jsonResponse("The payment; status pending, succeeded, failed or refunded.", paymentResponse),
        "401": errorResponse("unauthenticated: no, bad or expired token."),
        "404": errorResponse("not_found: no such payment, or not the caller's to see."),
      },
    },
  });

  return router;
}
