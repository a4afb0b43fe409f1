import type { Orm } from "../../db/orm.js";
import { inUnitOfWork as runCommand } from "../commands/unitOfWork.js";
import { normalizeEmail } from "./email.js";
import { hashPassword } from "./password.js";

export interface EnsureAdminResult {
  id: string;
  email: string;
  created: boolean;
}

/**
 * Makes sure an admin with this email exists: creates it, or promotes the existing account. One
 * upsert, so running it twice (or twice at once) changes nothing more. An existing account keeps
 * its name and password: promoting someone must not silently lock them out.
 */
export async function ensureAdmin(
  orm: Orm,
  input: { email: string; name: string; password: string },
): Promise<EnsureAdminResult> {
  const passwordHash = await hashPassword(input.password);
  return runCommand(orm, async ({ em }) => {
    const [row] = await em.getConnection().execute<{ id: string; email: string; created: boolean }[]>(
      `insert into users (email, name, role, password_hash) values (?, ?, 'admin', ?)
         on conflict (email) do update set role = 'admin', updated_at = now()
         returning id, email, (xmax = 0) as created`,
      [normalizeEmail(input.email), input.name, passwordHash],
      "all",
      em.getTransactionContext(),
    );
    return { id: row.id, email: row.email, created: row.created };
  });
}
