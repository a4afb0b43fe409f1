import type Router from "@koa/router";
import { config } from "../../../shared/config.js";
import type { Orm } from "../../../shared/db/orm.js";
import { checkoutResult } from "../../../shared/domain/payments/readPayment.js";
import { receiveChapaWebhook } from "../../../shared/domain/payments/receiveChapaWebhook.js";
import { verifyAndSettle } from "../../../shared/domain/payments/settlePayment.js";
import { AppError } from "../../../shared/errors.js";
import { type ChapaClient, ChapaError } from "../../../shared/payments/chapa/client.js";
import { describeRoute, errorResponse, jsonBody, jsonResponse } from "../../openapi.js";
import { parse } from "../../validate.js";
import { callbackQuery, callbackResponse, chapaWebhookBody, returnQuery, webhookResponse } from "./schemas.js";

const tags = ["payments"];

/**
 * What Chapa sends us after a checkout: the signed webhook, the browser coming back (return_url) and
 * the callback GET. Each is only a signal: all of them verify with Chapa and settle through the same
 * command, which settles a payment once however many arrive together.
 */
export function addChapaSignalRoutes(router: Router, { orm, chapa }: { orm: Orm; chapa: ChapaClient }): void {
  router.post("/webhooks/chapa", async (ctx) => {
    const result = await receiveChapaWebhook(orm, chapa, {
      rawBody: (ctx.request as { rawBody?: string }).rawBody,
      headers: ctx.headers,
      body: ctx.request.body,
    });
    ctx.body = { received: true, ...result };
  });
  describeRoute("post", "/webhooks/chapa", {
    tags,
    summary: "Chapa's webhook (charge.success, charge.failed, charge.refunded)",
    description:
      "x-chapa-signature must be the hex HMAC-SHA256 of the raw body with the webhook secret. Every accepted " +
      "delivery is recorded (deduplicated by the body's sha256; a redelivery is answered 200 without acting " +
      "again), then the transaction is verified with Chapa and settled only if tx_ref, amount, currency and " +
      "mode match the stored payment. An unknown tx_ref is recorded and answered 200. If Chapa cannot be asked, " +
      "the answer is 502 so that Chapa retries the delivery (reconciliation also settles it later). A signed body " +
      "holding NUL or lone surrogates is recorded with U+FFFD in their place (jsonb cannot hold them) rather than " +
      "refused, which Chapa would retry; a tx_ref that is not one line of text is taken as absent (ignored).",
    requestBody: jsonBody(chapaWebhookBody),
    responses: {
      "200": jsonResponse("Recorded (and processed).", webhookResponse),
      "401": errorResponse("invalid_signature: nothing was recorded."),
      "502": errorResponse("payment_provider_error: recorded, but Chapa could not verify it; retry."),
    },
  });

  router.get("/payments/return", async (ctx) => {
    const { tx_ref: txRef } = parse(returnQuery, ctx.query);
    const { status, bookingId } = await checkoutResult(orm, chapa, txRef);
    const target = new URL(`${config.PUBLIC_URL.replace(/\/+$/, "")}/`);
    target.searchParams.set("payment", status);
    if (bookingId) target.searchParams.set("booking", bookingId);
    ctx.redirect(target.toString());
  });
  describeRoute("get", "/payments/return", {
    tags,
    summary: "Where Chapa sends the browser back after checkout",
    description:
      "Verifies the payment with Chapa and settles it, then redirects (302) to the app at " +
      "`PUBLIC_URL/?payment=<pending|succeeded|failed|refunded|unknown>&booking=<bookingId>`. An unknown " +
      "tx_ref redirects with payment=unknown; if Chapa cannot be asked, the stored status is used.",
    requestParams: { query: returnQuery },
    responses: {
      "302": { description: "Redirect to the app with the payment's status." },
      "400": errorResponse("validation_failed: tx_ref is missing or too long."),
    },
  });

  router.get("/payments/callback", async (ctx) => {
    const query = parse(callbackQuery, ctx.query);
    try {
      await verifyAndSettle(orm, chapa, (query.trx_ref ?? query.tx_ref)!);
    } catch (err) {
      if (!(err instanceof ChapaError)) throw err;
      throw new AppError("payment_provider_error", 502, "The payment could not be verified with Chapa.");
    }
    ctx.body = { received: true };
  });
  describeRoute("get", "/payments/callback", {
    tags,
    summary: "Chapa's callback after a checkout (a signal: verified, then settled)",
    description: "Answers 200 for any tx_ref, known or not, so it tells callers nothing about our payments.",
    requestParams: { query: callbackQuery },
    responses: {
      "200": jsonResponse("Verified and settled (or nothing to do).", callbackResponse),
      "400": errorResponse("validation_failed: trx_ref is missing."),
      "502": errorResponse(
        "payment_provider_error: Chapa could not be asked; the webhook or reconciliation settles it.",
      ),
    },
  });
}
