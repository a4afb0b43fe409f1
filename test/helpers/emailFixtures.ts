import type { EmailTemplate } from "../../shared/sideEffects/sideEffectMap.js";
import { afterChanges } from "./eventually.js";
import { db } from "./factories.js";

/**
 * Payments and recorded side effects written straight in SQL, for the worker's tests: they are
 * about what happens AFTER a command committed (relay, jobs, emails), whatever command it was.
 * (Bookings come from factories.ts's createBooking.)
 */
export async function insertPayment(
  booking: { id: string },
  o: { amount: number; status: "pending" | "succeeded" | "failed" | "refunded"; refundStatus?: string },
): Promise<string> {
  const { rows } = await db().query(
    `insert into payments (booking_id, tx_ref, status, amount, currency, mode, refund_status)
     select $1, 'tx-' || gen_random_uuid(), $2, $3, b.currency, 'test', $4 from bookings b where b.id = $1 returning id`,
    [booking.id, o.status, o.amount, o.refundStatus ?? null],
  );
  return rows[0].id;
}

/** Records an email side effect as a command would (same key scheme); returns its id. */
export async function recordEmail(
  template: EmailTemplate,
  booking: { id: string },
  recipientUserId: string,
): Promise<number> {
  const bookingId = booking.id;
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

/**
 * Resolves once the worker's recurring `task` (an Agenda job name: relayOutbox, expireUnpaidHolds…)
 * has finished `runs` more times: the bound for "and nothing more happens" assertions.
 */
export async function afterTaskRuns(task: string, runs: number, timeoutMs = 15_000): Promise<void> {
  await afterChanges(
    async () =>
      (await db().query("select last_finished_at from agenda_jobs where name = $1", [task])).rows[0]?.last_finished_at,
    runs,
    `finished runs of ${task}`,
    timeoutMs,
  );
}

/** What explains an email side effect's state: its row, its Agenda jobs. For eventually()'s `explain`. */
export async function sideEffectState(id: number) {
  return { sideEffect: await sideEffectRow(id), jobs: await jobsOfSideEffect(id) };
}
