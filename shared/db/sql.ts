import type { EntityManager } from "@mikro-orm/postgresql";

/**
 * Raw SQL on `em`, inside its transaction when it has one (so a command's reads see its own writes and
 * its locks hold), with `?` placeholders bound. The one way shared/ runs hand-written SQL:
 * `await sql(tx.em)<{ id: string }>("select id from bookings where id = ?", [id])` gives the rows.
 */
export function sql(em: EntityManager) {
  return <T = Record<string, unknown>>(text: string, params: readonly unknown[] = []): Promise<T[]> =>
    em.getConnection().execute<T[]>(text, params as unknown[], "all", em.getTransactionContext());
}
