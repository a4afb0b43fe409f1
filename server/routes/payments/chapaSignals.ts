import type Router from "@koa/router";
import { config } from "../../../shared/config.js";
import { checkoutResult } from "../../../shared/domain/payments/readPayment.js";
import { receiveChapaWebhook } from "../../../shared/domain/payments/receiveChapaWebhook.js";
import { createSignalVerifier } from "../../../shared/domain/payments/verifyOnce.js";
import { AppError } from "../../../shared/errors.js";
import { type ChapaClient, ChapaError } from "../../../shared/payments/chapa/client.js";
import type { AppDeps } from "../../deps.js";
import { byIp, rateLimit, rateLimitedResponse } from "../../middlewares/rateLimit.js";
import { errorResponse, jsonBody, jsonResponse } from "../../openapi.js";
import { parse } from "../../validate.js";
import { route } from "../route.js";
import { callbackQuery, callbackResponse, chapaWebhookBody, returnQuery, webhookResponse } from "./schemas.js";

const tags = ["payments"];

/**
 * What Chapa sends us after a checkout: the signed webhook, the browser coming back (return_url) and
 * the callback GET. Each is only a signal: all of them verify with Chapa and settle through the same
 * command, which settles a payment once however many arrive together. The unsigned two (return,
 * callback) are limited per IP and share one Chapa verify per tx_ref (verifyOnce.ts).
 */
export function addChapaSignalRoutes(
  router: Router,
  deps: AppDeps & {
    chapa: ChapaClient;
    /** For return and callback: no retries, so one signal is at most one request to Chapa. */
    signalChapa: ChapaClient;
  },
): void {
  const { orm } = deps;
  const verifyOnce = createSignalVerifier({ orm, redis: deps.redis, chapa: deps.signalChapa });
  const returnPerIp = rateLimit(deps, {
    name: "payment-return-ip",
    points: config.RATE_LIMIT_PAYMENT_RETURN_PER_IP,
    durationSeconds: 60,
    key: byIp,
  });
  const callbackPerIp = rateLimit(deps, {
    name: "payment-callback-ip",
    points: config.RATE_LIMIT_PAYMENT_CALLBACK_PER_IP,
    durationSeconds: 60,
    key: byIp,
  });
  const verifyOnceNote =
    `One Chapa verify per tx_ref answers every return and callback of it arriving while it runs or within ` +
    `${config.CHAPA_VERIFY_DEDUPE_SECONDS} s after it (across web instances); those answer from the stored payment. ` +
    "That verify is one request to Chapa, not retried (the webhook and reconciliation settle what it could not).";
  route(router, deps, {
    method: "post",
    path: "/webhooks/chapa",
    auth: "none",
    command: receiveChapaWebhook,
    input: (ctx) => ({
      rawBody: (ctx.request as { rawBody?: string }).rawBody,
      headers: ctx.headers,
      body: ctx.request.body,
    }),
    present: (result) => ({ received: true, ...result }),
    describe: {
      tags,
      summary: "Chapa's webhook (charge.success, charge.failed, charge.refunded)",
      description:
        "x-chapa-signature is required and must be the hex HMAC-SHA256 of the raw body with the webhook secret; " +
        "chapa-signature (the same value on every delivery) is ignored, so a delivery carrying only it is refused. " +
        "Every accepted " +
        "delivery is recorded (deduplicated by the body's sha256; a redelivery is answered 200 without acting " +
        "again), then the transaction is verified with Chapa and settled only if tx_ref, amount, currency and " +
        "mode match the stored payment. charge.refunded for a paid payment is verified too: if Chapa says refunded " +
        "(a refund made on Chapa's side), the payment becomes refunded; a booking still upcoming (check-in day not " +
        "begun in the listing's time zone) is cancelled with cancelledBy provider, one that has begun is left as it " +
        "is with a note for an operator; guest and host hear it live (payment.updated, booking.updated) and by email. " +
        "A refund we asked for is only recorded, and a partial refund (verify still success) changes nothing. " +
        "An unknown tx_ref is recorded and answered 200. If Chapa cannot be asked, " +
        "the answer is 502 so that Chapa retries the delivery (reconciliation also settles it later). A signed body " +
        "holding NUL or lone surrogates is recorded with U+FFFD in their place (jsonb cannot hold them) rather than " +
        "refused, which Chapa would retry; a tx_ref that is not one line of text is taken as absent (ignored).",
      requestBody: jsonBody(chapaWebhookBody),
      responses: {
        "200": jsonResponse("Recorded (and processed).", webhookResponse),
        "401": errorResponse(
          "invalid_signature: x-chapa-signature missing or not the body's HMAC; nothing was recorded.",
        ),
        "502": errorResponse("payment_provider_error: recorded, but Chapa could not verify it; retry."),
      },
    },
  });

  route(
    router,
    { ...deps, verifyOnce },
    {
      method: "get",
      path: "/payments/return",
      auth: "none",
      use: [returnPerIp],
      query: checkoutResult,
      input: (ctx) => ({ txRef: parse(returnQuery, ctx.query).tx_ref }),
      present: ({ status, bookingId }, ctx) => {
        const target = new URL(`${config.PUBLIC_URL.replace(/\/+$/, "")}/`);
        target.searchParams.set("payment", status);
        if (bookingId) target.searchParams.set("booking", bookingId);
        ctx.redirect(target.toString());
        return undefined;
      },
      describe: {
        tags,
        summary: "Where Chapa sends the browser back after checkout",
        description:
          "Verifies the payment with Chapa and settles it, then redirects (302) to the app at " +
          "`PUBLIC_URL/?payment=<pending|succeeded|failed|refunded|unknown>&booking=<bookingId>`. An unknown " +
          "tx_ref redirects with payment=unknown; if Chapa cannot be asked, the stored status is used. " +
          verifyOnceNote +
          ` At most ${config.RATE_LIMIT_PAYMENT_RETURN_PER_IP} per IP per minute.`,
        requestParams: { query: returnQuery },
        responses: {
          "302": { description: "Redirect to the app with the payment's status." },
          "400": errorResponse("validation_failed: tx_ref is missing or too long."),
          "429": rateLimitedResponse,
        },
      },
    },
  );

  // A signal with no command of its own: the shared verifier settles through verifyAndSettle.
  route(router, deps, {
    method: "get",
    path: "/payments/callback",
    auth: "none",
    use: [callbackPerIp],
    handle: async ({ ctx }) => {
      const query = parse(callbackQuery, ctx.query);
      try {
        await verifyOnce((query.trx_ref ?? query.tx_ref)!);
      } catch (err) {
        if (!(err instanceof ChapaError)) throw err;
        throw new AppError("payment_provider_error", 502, "The payment could not be verified with Chapa.");
      }
    },
    present: () => ({ received: true }),
    describe: {
      tags,
      summary: "Chapa's callback after a checkout (a signal: verified, then settled)",
      description:
        "Answers 200 for any tx_ref, known or not, so it tells callers nothing about our payments. " +
        verifyOnceNote +
        ` At most ${config.RATE_LIMIT_PAYMENT_CALLBACK_PER_IP} per IP per minute.`,
      requestParams: { query: callbackQuery },
      responses: {
        "200": jsonResponse("Verified and settled (or nothing to do).", callbackResponse),
        "400": errorResponse("validation_failed: trx_ref is missing."),
        "429": rateLimitedResponse,
        "502": errorResponse(
          "payment_provider_error: Chapa could not be asked; the webhook or reconciliation settles it.",
        ),
      },
    },
  });
}
