import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { config } from "../../config.js";
import type { Orm } from "../../db/orm.js";
import { sql } from "../../db/sql.js";
import { AppError, conflict, notFound } from "../../errors.js";
import { logger } from "../../logger.js";
import { type ChapaClient, ChapaError, newTxRef } from "../../payments/chapa/client.js";
import { chapaModeOf } from "../../payments/chapa/fromConfig.js";
import type { Actor } from "../accounts/tokens.js";
import { defineCommand } from "../commands/define.js";
import { execute } from "../commands/execute.js";
import type { Currency } from "../currency.js";
import type { PaymentView } from "../payments/view.js";
import { canStartPayment } from "./policy.js";
import type { ChapaDeps } from "./settlePayment.js";
import { findPayment, findPendingPayment, type PaymentRecord, toPaymentView } from "./store.js";

export interface StartedPayment {
  payment: PaymentView;
  /** False when the booking's pending payment was returned again instead of a new one. */
  created: boolean;
}

/** A pending row with no checkout URL this old belongs to a request that died before Chapa answered. */
const ORPHANED_AFTER_SECONDS = 120;
/** How long a second request waits for a concurrent first one to get its checkout URL from Chapa. */
const WAIT_FOR_CHECKOUT_MS = Math.max(config.CHAPA_TIMEOUT_MS, 5_000);

interface Reserved {
  payment: PaymentRecord;
  isNew: boolean;
  guest: { email: string; name: string };
  stay: { checkIn: string; checkOut: string };
}

/**
 * Starts (or returns) the Chapa checkout of a held booking. The tx_ref is generated and the payment
 * row stored first, in a short transaction that locks the booking, so a crash while Chapa is called
 * leaves a row that reconciliation can verify; Chapa is called outside any transaction. While a
 * pending payment exists it is returned again (created: false) rather than duplicated.
 * Errors: 404 not_found (unknown booking, or not the caller's), 409 invalid_transition (not waiting
 * for payment), 409 hold_expired, 409 payment_in_progress (a concurrent start has not heard from
 * Chapa yet), 502 payment_provider_error (Chapa down or refusing; the row is marked failed so it
 * never blocks a retry).
 */
export const startPayment = defineCommand({
  name: "payments.start",
  input: z.object({ bookingId: z.guid() }),
  // A short transaction reserves the payment; Chapa is called outside any transaction.
  transaction: "self",
  run: ({ actor, input, deps }: { actor: Actor; input: { bookingId: string }; deps: ChapaDeps }) =>
    start(deps.orm, deps.chapa, actor, input.bookingId),
});

async function start(orm: Orm, chapa: ChapaClient, actor: Actor, bookingId: string): Promise<StartedPayment> {
  for (let attempt = 1; ; attempt++) {
    let reserved: Reserved;
    try {
      reserved = await execute(reservePayment, { actor, input: { bookingId } }, { orm });
    } catch (err) {
      // The booking lock should make this impossible; if two inserts still meet, the next round finds the winner.
      if (isPendingUniqueViolation(err) && attempt < 3) continue;
      throw err;
    }
    if (reserved.isNew) return { payment: await openCheckout(orm, chapa, reserved), created: true };

    const existing = reserved.payment.checkout_url ? reserved.payment : await waitForCheckout(orm, reserved.payment);
    if (existing.status === "pending" && existing.checkout_url)
      return { payment: toPaymentView(existing), created: false };
    // The concurrent start failed (its row is now failed): start over, which re-checks the booking too.
    if (existing.status !== "pending" && attempt < 3) continue;
    throw conflict("payment_in_progress", "A payment for this booking is being started; try again in a moment.");
  }
}

const reservePayment = defineCommand({
  name: "payments.reserve",
  input: z.object({ bookingId: z.guid() }),
  async run({ actor, input, tx }): Promise<Reserved> {
    // The booking row lock serialises starts of the same booking: the second one sees the first's row.
    const [booking] = await sql(tx.em)<{
      guest_id: string;
      status: string;
      total_price: number;
      currency: Currency;
      hold_live: boolean;
      check_in: string;
      check_out: string;
      email: string;
      name: string;
    }>(
      `select b.guest_id, b.status, b.total_price, b.currency, coalesce(b.expires_at > now(), false) as hold_live,
              to_char(b.check_in, 'YYYY-MM-DD') as check_in, to_char(b.check_out, 'YYYY-MM-DD') as check_out,
              u.email, u.name
         from bookings b join users u on u.id = b.guest_id
        where b.id = ? for update of b`,
      [input.bookingId],
    );
    if (!booking || !canStartPayment(actor, { guestId: booking.guest_id })) throw notFound("booking");
    if (booking.status !== "pending_payment") {
      throw conflict(
        "invalid_transition",
        `Only a booking waiting for payment can be paid; this one is ${booking.status}.`,
      );
    }
    if (!booking.hold_live) throw conflict("hold_expired", "The hold on these dates has expired; book them again.");

    const orphans = await sql(tx.em)<{ tx_ref: string }>(
      `update payments set status = 'failed', updated_at = now()
        where booking_id = ? and status = 'pending' and checkout_url is null
          and created_at < now() - ?::float8 * interval '1 second'
        returning tx_ref`,
      [input.bookingId, ORPHANED_AFTER_SECONDS],
    );
    for (const orphan of orphans)
      logger.warn({ txRef: orphan.tx_ref }, "orphaned payment without checkout marked failed");

    const context = {
      guest: { email: booking.email, name: booking.name },
      stay: { checkIn: booking.check_in, checkOut: booking.check_out },
    };
    const pending = await findPendingPayment(tx.em, input.bookingId);
    if (pending) return { payment: pending, isNew: false, ...context };

    const [created] = await sql(tx.em)<{ id: string }>(
      `insert into payments (booking_id, tx_ref, status, amount, currency, mode)
       values (?, ?, 'pending', ?, ?, ?) returning id`,
      [input.bookingId, newTxRef(), booking.total_price, booking.currency, chapaModeOf()],
    );
    return { payment: (await findPayment(tx.em, { id: created.id }))!, isNew: true, ...context };
  },
});

async function openCheckout(orm: Orm, chapa: ChapaClient, reserved: Reserved): Promise<PaymentView> {
  const { payment, guest, stay } = reserved;
  const [firstName, ...rest] = guest.name.trim().split(/\s+/);
  const publicUrl = config.PUBLIC_URL.replace(/\/+$/, "");
  const em = orm.em.fork();
  try {
    const { checkoutUrl } = await chapa.initialize({
      amount: payment.amount,
      currency: payment.currency,
      txRef: payment.tx_ref,
      email: guest.email,
      firstName,
      lastName: rest.join(" ") || firstName,
      callbackUrl: `${publicUrl}/api/v1/payments/callback`,
      returnUrl: `${publicUrl}/api/v1/payments/return?tx_ref=${encodeURIComponent(payment.tx_ref)}`,
      // Chapa allows only letters, digits, spaces, hyphens, underscores and dots here (title ≤ 16 chars).
      title: "Nexus stay",
      description: `Stay ${stay.checkIn} to ${stay.checkOut}`,
      meta: { bookingId: payment.booking_id, paymentId: payment.id },
    });
    await sql(em)("update payments set checkout_url = ?, updated_at = now() where id = ?", [checkoutUrl, payment.id]);
  } catch (err) {
    // Failed, so it never blocks the retry (one pending payment per booking); no event: nobody saw it.
    await sql(em)("update payments set status = 'failed', updated_at = now() where id = ? and status = 'pending'", [
      payment.id,
    ]);
    if (!(err instanceof ChapaError)) throw err;
    logger.warn(
      { err: err.message, status: err.status, txRef: payment.tx_ref, bookingId: payment.booking_id },
      "Chapa did not open a checkout; payment marked failed",
    );
    throw new AppError(
      "payment_provider_error",
      502,
      "The payment provider could not start the checkout; try again in a moment.",
    );
  }
  return toPaymentView((await findPayment(em, { id: payment.id }))!);
}

/** Polls until the concurrent start stores its checkout URL or gives up; returns the row as it then is. */
async function waitForCheckout(orm: Orm, payment: PaymentRecord): Promise<PaymentRecord> {
  const deadline = Date.now() + WAIT_FOR_CHECKOUT_MS;
  let current = payment;
  while (current.status === "pending" && !current.checkout_url && Date.now() < deadline) {
    await sleep(100);
    current = (await findPayment(orm.em.fork(), { id: payment.id })) ?? current;
  }
  return current;
}

function isPendingUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string; message?: string };
  return e.code === "23505" && (e.constraint ?? e.message ?? "").includes("payments_one_pending_per_booking");
}
