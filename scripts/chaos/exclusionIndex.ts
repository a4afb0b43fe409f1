import pg from "pg";
import type { Verdict } from "./checker.js";

/**
 * The exclusion constraint is only as good as its GiST index: an active booking whose index entry is
 * missing (or wrongly marked dead) is invisible to the overlap check, and the next overlapping hold is
 * let in. So the index is read on its own (sequential scans off, inside a transaction) and must find
 * every active booking that a table scan finds.
 */
export async function exclusionIndexSeesAll(db: pg.Pool | pg.PoolClient): Promise<Verdict> {
  const name = "the exclusion index sees every active booking";
  const client = db instanceof pg.Pool ? await db.connect() : db;
  const own = db instanceof pg.Pool;
  const active = "status in ('pending_payment', 'confirmed')";
  try {
    if (own) await client.query("begin");
    await client.query("set local enable_seqscan = off");
    await client.query("set local enable_bitmapscan = off");
    const viaIndex = `select id from bookings where ${active} and listing_id is not null
                        and daterange(check_in, check_out, '[)') && daterange(null, null)`;
    const plan = JSON.stringify((await client.query(`explain (format json) ${viaIndex}`)).rows);
    if (!plan.includes("bookings_no_overlap")) {
      return { name, pass: false, detail: "bookings_no_overlap is not there to be used (the constraint is missing)" };
    }
    const seen = new Set((await client.query<{ id: string }>(viaIndex)).rows.map((r) => r.id));
    await client.query("set local enable_seqscan = on");
    const all = (await client.query<{ id: string }>(`select id from bookings where ${active}`)).rows;
    const unseen = all.filter((r) => !seen.has(r.id)).map((r) => r.id);
    return {
      name,
      pass: unseen.length === 0,
      detail: unseen.length
        ? `${unseen.length} active bookings missing from it: ${unseen.slice(0, 5).join(", ")}`
        : `${all.length} active bookings, all in the index`,
    };
  } finally {
    await client.query("set local enable_seqscan = on; set local enable_bitmapscan = on").catch(() => {});
    if (own) {
      await client.query("rollback").catch(() => {});
      (client as pg.PoolClient).release();
    }
  }
}
