import type { EntityManager } from "@mikro-orm/postgresql";
import type { Agenda } from "agenda";
import type { Orm } from "../db/orm.js";
import { sql } from "../db/sql.js";
import type { JobName } from "../jobs/jobMap.js";
import { logger } from "../logger.js";
import type { SideEffectKind } from "./sideEffectMap.js";

/** The job that carries out each kind of side effect; its payload is `{ sideEffectId }`. */
const JOB_FOR_SIDE_EFFECT: Record<SideEffectKind, JobName> = { email: "sendEmail", refund: "refundPayment" };

/** Jobs saved at once: the job store's pool is small, and order does not matter within a batch. */
const PARALLEL_SAVES = 8;

function isDuplicateKey(err: unknown): boolean {
  const code = (err as { code?: string | number }).code;
  return code === "23505" || code === 11000;
}

/**
 * Creates the job of one side effect unless it exists. `unique` + `insertOnly` finds an existing job
 * (a relay that crashed after saving it, before committing enqueued_at) and leaves it untouched;
 * the database's own guard (PostgreSQL: the partial unique index agenda_jobs_side_effect_unique on
 * data->>'sideEffectId') turns the race between that check and the insert into a duplicate-key error.
 */
async function enqueueOnce(agenda: Agenda, name: JobName, sideEffectId: number): Promise<void> {
  const job = agenda.create(name, { sideEffectId });
  job.unique({ "data.sideEffectId": sideEffectId }, { insertOnly: true });
  job.schedule(new Date());
  try {
    await job.save();
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
}

/**
 * The outbox relay: turns recorded side effects that have no job yet into exactly one job each.
 * Rows are taken with `for update skip locked` (two relays never take the same row) and marked
 * enqueued in the same transaction; if the relay dies between saving a job and that commit, the next
 * run finds the job and does not create another. Returns how many side effects it handled.
 *
 * Latency: the worker runs this every CRON_RELAY_OUTBOX_EVERY (2 s), so an email recorded by a web
 * request starts within about that long; the job itself is then picked up at once (notification).
 */
export async function relaySideEffects(
  orm: Orm,
  queue: Agenda | { agenda: Agenda },
  options: { limit?: number } = {},
): Promise<number> {
  const agenda = "agenda" in queue ? queue.agenda : queue;
  return orm.em.fork().transactional(async (tx) => {
    const em = tx as EntityManager;
    const run = sql(em);
    const rows = await run<{ id: string; kind: SideEffectKind }>(
      "select id, kind from side_effects where enqueued_at is null order by id limit ? for update skip locked",
      [options.limit ?? 200],
    );
    if (!rows.length) return 0;
    const unknown = rows.filter((r) => !JOB_FOR_SIDE_EFFECT[r.kind]);
    for (const row of unknown) logger.error({ sideEffectId: row.id, kind: row.kind }, "side effect of an unknown kind");
    const known = rows.filter((r) => JOB_FOR_SIDE_EFFECT[r.kind]);
    for (let i = 0; i < known.length; i += PARALLEL_SAVES) {
      await Promise.all(
        known.slice(i, i + PARALLEL_SAVES).map((r) => enqueueOnce(agenda, JOB_FOR_SIDE_EFFECT[r.kind], Number(r.id))),
      );
    }
    // Unknown kinds are marked too (with the reason), so they cannot clog the head of the outbox.
    if (unknown.length) {
      await run("update side_effects set last_error = 'no job for this kind' where id = any(?::bigint[])", [
        `{${unknown.map((r) => r.id).join(",")}}`,
      ]);
    }
    await run("update side_effects set enqueued_at = now() where id = any(?::bigint[])", [
      `{${rows.map((r) => r.id).join(",")}}`,
    ]);
    return rows.length;
  });
}
