import type pg from "pg";
import type { UserSocket } from "./clients.js";
import type { Death } from "./cluster.js";
import { exclusionIndexSeesAll } from "./exclusionIndex.js";
import { READY_WITHIN_MS } from "./faults.js";
import type { RequestLog } from "./http.js";
import type { BookingAttempt } from "./load.js";
import type { RecordedMail, WorkerKill } from "./smtp.js";

export interface Verdict {
  name: string;
  pass: boolean;
  detail: string;
}

export interface SandboxTx {
  txRef: string;
  status: "pending" | "success" | "failed" | "refunded";
  meta: { bookingId?: string } | null;
}

export interface CheckInput {
  db: pg.Pool | pg.PoolClient;
  attempts: BookingAttempt[];
  sockets: Pick<UserSocket, "userId" | "label" | "firstCursor" | "received">[];
  mail: RecordedMail[];
  workerKills: WorkerKill[];
  sandbox: SandboxTx[];
  deaths: Death[];
  requests: RequestLog;
  notReady: string[];
  faultsNotRecovered: string[];
}

const sample = (items: unknown[], n = 5) =>
  items.length ? ` e.g. ${JSON.stringify(items.slice(0, n))}${items.length > n ? ` (+${items.length - n})` : ""}` : "";

function verdict(name: string, violations: unknown[], okDetail: string, what = "violations"): Verdict {
  return {
    name,
    pass: violations.length === 0,
    detail: violations.length ? `${violations.length} ${what}:${sample(violations)}` : okDetail,
  };
}

/**
 * SMTP cannot tell a sender whether a server already took a message: a worker killed after the
 * server's 250 and before it committed done_at sends that email again on the retry (sendEmail.ts
 * documents it). A duplicate whose first copy came over a connection of a worker the run killed,
 * accepted at most this long before the kill, is that window; any other duplicate is a defect.
 */
export const KILL_WINDOW_MS = 1000;

export function inKillWindow(first: RecordedMail, kills: WorkerKill[]): boolean {
  return kills.some((k) => k.ports.includes(first.port) && k.at >= first.at && k.at - first.at <= KILL_WINDOW_MS);
}

/** Reads PostgreSQL, the mail record, the sandbox and every client's log; one verdict per invariant. */
export async function check(input: CheckInput): Promise<Verdict[]> {
  const q = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) =>
    (await input.db.query<T>(sql, params)).rows;
  const verdicts: Verdict[] = [];

  // --- bookings -------------------------------------------------------------------------------
  const overlaps = await q(
    `with active as (select * from bookings
                      where status = 'confirmed' or (status = 'pending_payment' and expires_at > now()))
     select a.id as a, b.id as b, a.listing_id from active a join active b
         on a.listing_id = b.listing_id and a.id < b.id
        and daterange(a.check_in, a.check_out, '[)') && daterange(b.check_in, b.check_out, '[)')`,
  );
  const [{ active }] = await q<{ active: string }>(
    "select count(*) as active from bookings where status = 'confirmed' or (status = 'pending_payment' and expires_at > now())",
  );
  verdicts.push(verdict("no two active bookings of a listing overlap", overlaps, `${active} active bookings checked`));

  verdicts.push(await exclusionIndexSeesAll(input.db));

  const created = input.attempts.filter((a) => a.outcome === "created");
  const found = await q<{ id: string; guest_id: string; listing_id: string; check_in: string; check_out: string }>(
    `select id, guest_id, listing_id, to_char(check_in, 'YYYY-MM-DD') as check_in,
            to_char(check_out, 'YYYY-MM-DD') as check_out from bookings where id = any($1::uuid[])`,
    [created.map((a) => a.bookingId)],
  );
  const byId = new Map(found.map((row) => [row.id, row]));
  const missing = created.filter((a) => {
    const row = byId.get(a.bookingId!);
    return !row || row.guest_id !== a.guestId || row.listing_id !== a.listingId || row.check_in !== a.checkIn;
  });
  verdicts.push(verdict("every 201 booking exists (same guest, listing, dates)", missing, `${created.length} checked`));

  const conflicts = input.attempts.filter((a) => a.outcome === "conflict");
  const leftBehind = await q(
    `select c.key, b.id, b.status from jsonb_to_recordset($1::jsonb)
            as c(key text, "guestId" uuid, "listingId" uuid, "checkIn" date, "checkOut" date)
       join bookings b on b.guest_id = c."guestId" and b.listing_id = c."listingId"
        and b.check_in = c."checkIn" and b.check_out = c."checkOut"`,
    [JSON.stringify(conflicts)],
  );
  verdicts.push(
    verdict("every 409 dates_unavailable left no booking behind", leftBehind, `${conflicts.length} checked`),
  );

  // --- payments -------------------------------------------------------------------------------
  const confirmedWithout = await q(
    `select b.id, b.status, count(p.id) filter (where p.status = 'succeeded' and p.refund_status is null) as kept
       from bookings b left join payments p on p.booking_id = b.id
      where b.status in ('confirmed', 'completed') group by b.id, b.status
     having count(p.id) filter (where p.status = 'succeeded' and p.refund_status is null) <> 1`,
  );
  const [{ confirmed }] = await q<{ confirmed: string }>(
    "select count(*) as confirmed from bookings where status in ('confirmed', 'completed')",
  );
  verdicts.push(
    verdict("every confirmed booking has exactly one kept succeeded payment", confirmedWithout, `${confirmed} checked`),
  );
  // Money taken is kept only by a confirmed (or completed) booking, or the part a cancellation's policy
  // kept (refunded_amount is what the cancellation refunds); any other is refunded by the end.
  const badCharge = await q(
    `select p.tx_ref, p.status, p.refund_status, b.status as booking
       from payments p join bookings b on b.id = p.booking_id
      where (p.status = 'succeeded' and not (b.status in ('confirmed', 'completed') and p.refund_status is null)
               and not (b.status = 'cancelled' and b.refund_amount is not null
                        and p.refunded_amount = least(p.amount, b.refund_amount)
                        and p.refund_status is distinct from 'requested'))
         or (p.status = 'refunded' and b.status not in ('cancelled', 'expired', 'confirmed', 'completed'))`,
  );
  const [{ charged }] = await q<{ charged: string }>(
    "select count(*) as charged from payments where status in ('succeeded', 'refunded')",
  );
  verdicts.push(
    verdict(
      "every charged payment is kept by a confirmed booking or refunded",
      badCharge,
      `${charged} charged payments checked`,
    ),
  );

  const dbPayments = await q<{ tx_ref: string; status: string; booking_id: string }>(
    "select tx_ref, status, booking_id from payments",
  );
  const dbByTx = new Map(dbPayments.map((p) => [p.tx_ref, p]));
  const keptAtSandbox = new Map<string, number>();
  const disagree: unknown[] = [];
  const expected: Record<string, string[]> = {
    success: ["succeeded"],
    refunded: ["refunded"],
    failed: ["failed"],
    pending: ["pending", "failed"],
  };
  for (const tx of input.sandbox) {
    const ours = dbByTx.get(tx.txRef);
    if (tx.status === "success") {
      const booking = tx.meta?.bookingId ?? "?";
      keptAtSandbox.set(booking, (keptAtSandbox.get(booking) ?? 0) + 1);
    }
    if (!ours || !expected[tx.status].includes(ours.status)) {
      disagree.push({ txRef: tx.txRef, chapa: tx.status, ours: ours?.status ?? "none" });
    }
  }
  const twice = [...keptAtSandbox].filter(([, n]) => n > 1).map(([booking, n]) => ({ booking, charges: n }));
  verdicts.push(
    verdict(
      "no booking charged twice at the sandbox (one kept charge each)",
      twice,
      `${input.sandbox.length} sandbox transactions`,
    ),
  );
  verdicts.push(
    verdict("every sandbox outcome reached our payments (webhooks or reconciliation)", disagree, "all agree"),
  );

  // --- events ---------------------------------------------------------------------------------
  const eventProblems: unknown[] = [];
  let delivered = 0;
  for (const socket of input.sockets) {
    const rows = await q<{ id: string }>(
      "select id from public_events where $1::uuid = any(user_ids) and id > $2 order by id",
      [socket.userId, socket.firstCursor],
    );
    const want = rows.map((r) => Number(r.id));
    const got = socket.received.map((r) => r.id);
    const gotSet = new Set(got);
    const wantSet = new Set(want);
    const missingIds = want.filter((id) => !gotSet.has(id));
    const extra = got.filter((id) => !wantSet.has(id));
    const dups = got.filter((id, i) => got.indexOf(id) !== i);
    const outOfOrder = got.filter((id, i) => i > 0 && id <= got[i - 1]).length;
    delivered += got.length;
    if (missingIds.length || extra.length || dups.length || outOfOrder) {
      eventProblems.push({
        user: socket.label,
        missing: missingIds.slice(0, 5),
        missingCount: missingIds.length,
        notTheirs: extra.slice(0, 5),
        duplicates: dups.slice(0, 5),
        duplicateCount: dups.length,
        outOfOrder,
      });
    }
  }
  verdicts.push({
    name: "every client got exactly its user's events: none missing, none twice, in order",
    pass: eventProblems.length === 0,
    detail: eventProblems.length
      ? `${eventProblems.length} of ${input.sockets.length} clients wrong:${sample(eventProblems, 3)}`
      : `${input.sockets.length} clients, ${delivered} events`,
  });

  // --- emails ---------------------------------------------------------------------------------
  const effects = await q<{ id: string; done: boolean; skipped: boolean; last_error: string | null }>(
    `select id, done_at is not null as done, coalesce(last_error like 'not sent:%', false) as skipped, last_error
       from side_effects where kind = 'email'`,
  );
  const copies = new Map<string, RecordedMail[]>();
  for (const m of input.mail) copies.set(m.messageId, [...(copies.get(m.messageId) ?? []), m]);
  const emailProblems: unknown[] = [];
  const windowDuplicates: string[] = [];
  for (const e of effects) {
    const got = copies.get(`<side-effect-${e.id}@nexus>`) ?? [];
    copies.delete(`<side-effect-${e.id}@nexus>`);
    const want = e.done && !e.skipped ? 1 : 0;
    if (!e.done) emailProblems.push({ sideEffect: e.id, problem: "never done", lastError: e.last_error });
    else if (got.length === want + 1 && inKillWindow(got[0], input.workerKills)) windowDuplicates.push(e.id);
    else if (got.length !== want) emailProblems.push({ sideEffect: e.id, delivered: got.length, expected: want });
  }
  for (const [messageId, got] of copies) {
    emailProblems.push({ messageId, delivered: got.length, problem: "no such side effect" });
  }
  const sent = effects.filter((e) => e.done && !e.skipped).length;
  const window = windowDuplicates.length
    ? `; ${windowDuplicates.length} sent again after their worker was SIGKILLed < ${KILL_WINDOW_MS} ms after the server's 250, before its commit (SMTP's documented window, not counted): ${windowDuplicates.join(", ")}`
    : "";
  verdicts.push(
    verdict(
      "every email side effect delivered exactly once (by Message-ID)",
      emailProblems,
      `${sent} emails, ${effects.length - sent} skipped by design, ${input.mail.length} received${window}`,
    ),
  );
  const otherEffects = await q(
    "select id, kind, last_error from side_effects where kind <> 'email' and done_at is null",
  );
  verdicts.push(verdict("every other side effect (refunds) carried out", otherEffects, "all done"));
  const unpublished = await q("select id, created_at from event_backlog order by created_at limit 20");
  verdicts.push(verdict("every committed event published", unpublished, "none left"));

  // --- processes and requests -----------------------------------------------------------------
  verdicts.push(
    verdict(
      "no process died except those the run killed",
      input.deaths.map((d) => ({ name: d.name, pid: d.pid, code: d.code, signal: d.signal })),
      "none",
      "deaths",
    ),
  );
  verdicts.push(verdict("every process ready at the end", input.notReady, "all ready"));
  verdicts.push(
    verdict(
      `every fault recovered (all ready within ${READY_WITHIN_MS / 1000} s)`,
      input.faultsNotRecovered,
      "all recovered",
    ),
  );
  verdicts.push(
    verdict(
      "no request answered 500 or hung (> 15 s)",
      input.requests.anomalies.map((a) => ({
        label: a.label,
        status: a.status ?? a.error,
        body: a.detail.slice(0, 120),
      })),
      `${input.requests.total} requests`,
    ),
  );
  return verdicts;
}
