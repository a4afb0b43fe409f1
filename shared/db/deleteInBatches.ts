import type { Orm } from "./orm.js";

/**
 * Deletes the rows of `table` matching `where` (parameters bound at `?`) in batches, each its own
 * short statement, so a large backlog never holds a long transaction or locks the table. Rows are
 * picked by ctid, which every table has whatever its key. Returns how many were deleted.
 */
export async function deleteInBatches(
  orm: Orm,
  { table, where, params, batchSize = 5000 }: { table: string; where: string; params: unknown[]; batchSize?: number },
): Promise<number> {
  const conn = orm.em.getConnection();
  let deleted = 0;
  for (;;) {
    const result = await conn.execute<{ affectedRows: number }>(
      `delete from ${table} where ctid = any(array(select ctid from ${table} where ${where} limit ?))`,
      [...params, batchSize],
      "run",
    );
    deleted += result.affectedRows;
    if (result.affectedRows < batchSize) return deleted;
  }
}
