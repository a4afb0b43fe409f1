import { setTimeout as sleep } from "node:timers/promises";
import type pg from "pg";
import { sandboxControlHeaders } from "../chapaSandbox/sandbox.js";
import type { UserSocket } from "./clients.js";

export interface SettleInput {
  db: pg.Pool;
  sockets: UserSocket[];
  notReady: () => Promise<string[]>;
  sandboxUrl: string;
  timeoutMs: number;
  say: (line: string) => void;
}

/**
 * After the load: waits (bounded) until the system has nothing left to do, so the checker judges
 * the end state rather than work still in flight: every process ready, every side effect done,
 * every event published, every client caught up with its user's events, and no payment still
 * pending that the sandbox has settled (reconciliation's job when webhooks were lost).
 * Returns what was still unmet when the time ran out.
 */
export async function settle(input: SettleInput): Promise<{ ok: boolean; ms: number; unmet: string[] }> {
  const started = Date.now();
  let unmet: string[] = [];
  for (;;) {
    unmet = await unmetConditions(input).catch((err: unknown) => [`probe failed: ${(err as Error).message}`]);
    if (!unmet.length) break;
    if (Date.now() - started > input.timeoutMs) break;
    await sleep(500);
  }
  const ms = Date.now() - started;
  input.say(unmet.length ? `NOT settled after ${ms} ms: ${unmet.join("; ")}` : `settled in ${ms} ms`);
  return { ok: unmet.length === 0, ms, unmet };
}

async function unmetConditions(input: SettleInput): Promise<string[]> {
  const unmet = (await input.notReady()).map((p) => `not ready: ${p}`);
  const q = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) =>
    (await input.db.query<T>(sql, params)).rows;
  const [effects] = await q<{ n: string }>("select count(*) as n from side_effects where done_at is null");
  if (Number(effects.n)) unmet.push(`${effects.n} side effects not done`);
  const [events] = await q<{ n: string }>("select count(*) as n from event_backlog");
  if (Number(events.n)) unmet.push(`${events.n} events unpublished`);

  const newest = await q<{ user_id: string; newest: string }>(
    "select u as user_id, max(id) as newest from public_events, unnest(user_ids) as u where u = any($1::uuid[]) group by u",
    [input.sockets.map((s) => s.userId)],
  );
  const newestOf = new Map(newest.map((r) => [r.user_id, Number(r.newest)]));
  const behind = input.sockets.filter((s) => !s.connected || s.lastId < (newestOf.get(s.userId) ?? 0));
  if (behind.length) unmet.push(`${behind.length} clients behind or disconnected`);

  const response = await fetch(`${input.sandboxUrl}/__sandbox/transactions`, {
    headers: sandboxControlHeaders(),
    signal: AbortSignal.timeout(2000),
  });
  const { data } = (await response.json()) as { data: { txRef: string; status: string }[] };
  const settledAtChapa = data.filter((tx) => tx.status !== "pending").map((tx) => tx.txRef);
  const [pending] = await q<{ n: string }>(
    "select count(*) as n from payments where status = 'pending' and tx_ref = any($1::text[])",
    [settledAtChapa],
  );
  if (Number(pending.n)) unmet.push(`${pending.n} payments settled at Chapa still pending here`);
  const [refunds] = await q<{ n: string }>("select count(*) as n from payments where refund_status = 'requested'");
  if (Number(refunds.n)) unmet.push(`${refunds.n} refunds requested, not done`);
  return unmet;
}
