import type pg from "pg";
import { type CheckInput, check, inKillWindow, type Verdict } from "./checker.js";
import { RequestLog } from "./http.js";

/**
 * Proof that every check can fail: after the real verdicts, one violation of each invariant is
 * planted (in PostgreSQL inside a transaction that is rolled back, and in copies of the in-memory
 * records), the checker runs again, and every invariant must now FAIL. One that still passes is a
 * check that cannot see what it claims to guard, and fails the run.
 */
export async function selfTest(db: pg.Pool, input: CheckInput): Promise<Verdict> {
  const client = await db.connect();
  try {
    await client.query("begin");
    const one = async (sql: string, params: unknown[] = []) => (await client.query(sql, params)).rowCount ?? 0;
    // Overlap: the exclusion constraint and the overlap trigger forbid it, so both are put aside first
    // (replica mode skips the triggers; everything is rolled back with the rest).
    await one("set local session_replication_role = replica");
    await one("alter table bookings drop constraint bookings_no_overlap");
    await one(
      `insert into bookings (listing_id, guest_id, check_in, check_out, guests, total_price, currency, status, expires_at)
       select listing_id, guest_id, check_in, check_out, guests, total_price, currency, 'confirmed', null
         from bookings where status = 'confirmed' or (status = 'pending_payment' and expires_at > now()) limit 1`,
    );
    const created = input.attempts.find((a) => a.outcome === "created");
    if (created) await one("update bookings set check_in = check_in - 1 where id = $1", [created.bookingId]);
    const conflict = input.attempts.find((a) => a.outcome === "conflict");
    if (conflict) {
      await one(
        `insert into bookings (listing_id, guest_id, check_in, check_out, guests, total_price, currency, status)
         values ($1, $2, $3, $4, 1, 1, 'ETB', 'cancelled')`,
        [conflict.listingId, conflict.guestId, conflict.checkIn, conflict.checkOut],
      );
    }
    // A kept payment that is suddenly being refunded: a confirmed booking without its payment.
    await one(
      `update payments set refund_status = 'requested'
        where id = (select p.id from payments p join bookings b on b.id = p.booking_id
                     where b.status = 'confirmed' and p.status = 'succeeded' and p.refund_status is null limit 1)`,
    );
    await one("update event_relay_state set published_through = published_through - 1");
    await one(
      "update side_effects set done_at = null where id = (select max(id) from side_effects where kind <> 'email')",
    );

    const charged = input.sandbox.find((tx) => tx.status === "success");
    const sandbox = charged ? [...input.sandbox, { ...charged, txRef: `${charged.txRef}-again` }] : input.sandbox;
    const [first, ...rest] = input.sockets.filter((s) => s.received.length >= 2);
    const sockets = first
      ? [
          // One client misses an event, another gets one twice.
          { ...plain(first), received: first.received.slice(1) },
          ...rest.slice(0, 1).map((s) => ({ ...plain(s), received: [...s.received, s.received[0]] })),
          ...input.sockets.filter((s) => s !== first && s !== rest[0]),
        ]
      : input.sockets;
    const planted = input.mail.find((m) => !inKillWindow(m, input.workerKills));
    const requests = new RequestLog();
    requests.record("POST /planted", { status: 500, body: { planted: true }, ms: 1 });
    const verdicts = await check({
      ...input,
      db: client,
      sandbox,
      sockets,
      // A second copy of an email that no worker kill can explain.
      mail: planted ? [...input.mail, { ...planted }] : input.mail,
      deaths: [...input.deaths, { name: "planted", pid: 1, code: 1, signal: null, at: Date.now(), tail: [] }],
      requests,
      notReady: [...input.notReady, "planted"],
      faultsNotRecovered: [...input.faultsNotRecovered, "planted"],
    });
    const blind = verdicts.filter((v) => v.pass).map((v) => v.name);
    return {
      name: "checker self-test: every invariant catches a planted violation",
      pass: blind.length === 0,
      detail: blind.length
        ? `still PASS with a planted violation: ${blind.join("; ")}`
        : `${verdicts.length} of ${verdicts.length} caught`,
    };
  } finally {
    await client.query("rollback").catch(() => {});
    client.release();
  }
}

function plain<T extends { userId: string; label: string; firstCursor: number }>(s: T) {
  return { userId: s.userId, label: s.label, firstCursor: s.firstCursor };
}
