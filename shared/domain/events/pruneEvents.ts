import type { Orm } from "../../db/orm.js";

/**
 * Deletes events older than `olderThanDays` (the replay window: a client away for longer resumes
 * from what is left). In batches, each its own short statement, so a large backlog never holds
 * a long transaction or locks the table. Returns how many were deleted.
 */
export async function pruneEvents(orm: Orm, options: { olderThanDays: number; batchSize?: number }): Promise<number> {
  const conn = orm.em.getConnection();
  const batchSize = options.batchSize ?? 5000;
  let deleted = 0;
  for (;;) {
    const result = await conn.execute<{ affectedRows: number }>(
      `delete from events where id in (
         select id from events where created_at < now() - ?::int * interval '1 day' order by id limit ?)`,
      [options.olderThanDays, batchSize],
      "run",
    );
    deleted += result.affectedRows;
    if (result.affectedRows < batchSize) return deleted;
  }
}
