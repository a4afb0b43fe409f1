import type { BookingStatus } from "../../shared/domain/bookings/status.js";
import type { EmailTemplate } from "../../shared/sideEffects/sideEffectMap.js";
import { db } from "./factories.js";

/**
 * Bookings and recorded side effects written straight in SQL, for the worker's tests: they are
 * about what happens AFTER a command committed (relay, jobs, emails), whatever command it was.
 */
export async function insertBooking(
  listing: { id: string },
  guest: { id: string },
  o: {
    status: BookingStatus;
    checkIn: string;
    checkOut: string;
    totalPrice?: number;
    expiresInMinutes?: number;
    note?: string;
  },
): Promise<string> {
  const { rows } = await db().query(
    `insert into bookings (listing_id, guest_id, check_in, check_out, guests, total_price, currency, status, expires_at, note)
     select $1, $2, $3, $4, 2, $5, l.currency, $6, now() + make_interval(mins => $7), $8 from listings l where l.id = $1
     returning id`,
    [
      listing.id,
      guest.id,
      o.checkIn,
      o.checkOut,
      o.totalPrice ?? 30_000,
      o.status,
      o.expiresInMinutes ?? 15,
      o.note ?? null,
    ],
  );
  return rows[0].id;
}

export async function insertPayment(
  bookingId: string,
  o: { amount: number; status: "pending" | "succeeded" | "failed" | "refunded"; refundStatus?: string },
): Promise<string> {
  const { rows } = await db().query(
    `insert into payments (booking_id, tx_ref, status, amount, currency, mode, refund_status)
     select $1, 'tx-' || gen_random_uuid(), $2, $3, b.currency, 'test', $4 from bookings b where b.id = $1 returning id`,
    [bookingId, o.status, o.amount, o.refundStatus ?? null],
  );
  return rows[0].id;
}

/** Records an email side effect as a command would (same key scheme); returns its id. */
export async function recordEmail(
  template: EmailTemplate,
  bookingId: string,
  recipientUserId: string,
): Promise<number> {
  const { rows } = await db().query(
    "insert into side_effects (kind, key, payload) values ('email', $1, $2::jsonb) returning id",
    [`email:${template}:${bookingId}`, JSON.stringify({ template, bookingId, recipientUserId })],
  );
  return Number(rows[0].id);
}

export interface SideEffectRow {
  id: string;
  enqueued_at: Date | null;
  done_at: Date | null;
  attempts: number;
  last_error: string | null;
}

export async function sideEffectRow(id: number): Promise<SideEffectRow> {
  const { rows } = await db().query(
    "select id, enqueued_at, done_at, attempts, last_error from side_effects where id = $1",
    [id],
  );
  return rows[0];
}

export interface JobRow {
  id: string;
  name: string;
  next_run_at: Date | null;
  last_run_at: Date | null;
  last_finished_at: Date | null;
  failed_at: Date | null;
  fail_count: number | null;
  fail_reason: string | null;
  locked_at: Date | null;
  last_modified_by: string | null;
}

/** The Agenda jobs of one side effect (there must never be more than one). */
export async function jobsOfSideEffect(id: number): Promise<JobRow[]> {
  const { rows } = await db().query("select * from agenda_jobs where data->>'sideEffectId' = $1", [String(id)]);
  return rows;
}

/** Polls until `check` returns a truthy value (then returns it) or the time is up (then throws). */
export async function eventually<T>(
  check: () => Promise<T>,
  what: string,
  timeoutMs = 15_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
