import type { EntityManager } from "@mikro-orm/postgresql";
import { sql } from "../db/sql.js";
import type { SideEffectKind, SideEffectMap } from "./sideEffectMap.js";

/**
 * Records a side effect (an email, a refund) in the caller's transaction. `key` names the effect
 * itself, so recording the same one twice (a retried command) keeps one row.
 */
export async function recordSideEffect<K extends SideEffectKind>(
  em: EntityManager,
  kind: K,
  key: string,
  payload: SideEffectMap[K],
): Promise<void> {
  await sql(em)("insert into side_effects (kind, key, payload) values (?, ?, ?::jsonb) on conflict (key) do nothing", [
    kind,
    key,
    JSON.stringify(payload),
  ]);
}
