import { z } from "zod";
import { sql } from "../../db/sql.js";
import { defineCommand } from "../commands/define.js";
import { execute } from "../commands/execute.js";
import { normalizeEmail } from "./email.js";
import { emailField, nameField, passwordField } from "./fields.js";
import { hashPassword } from "./password.js";

export interface EnsureAdminResult {
  id: string;
  email: string;
  created: boolean;
}

const upsertAdmin = defineCommand({
  name: "accounts.upsertAdmin",
  actor: "system",
  input: z.object({ email: z.string(), name: z.string(), passwordHash: z.string() }),
  async run({ input, tx }): Promise<EnsureAdminResult> {
    const [row] = await sql(tx.em)<EnsureAdminResult>(
      `insert into users (email, name, role, password_hash) values (?, ?, 'admin', ?)
         on conflict (email) do update set role = 'admin', updated_at = now()
         returning id, email, (xmax = 0) as created`,
      [normalizeEmail(input.email), input.name, input.passwordHash],
    );
    return { id: row.id, email: row.email, created: row.created };
  },
});

/**
 * Makes sure an admin with this email exists: creates it, or promotes the existing account. One
 * upsert, so running it twice (or twice at once) changes nothing more. An existing account keeps
 * its name and password: promoting someone must not silently lock them out. Hashed before the
 * transaction (`transaction: "self"` around the upsert).
 */
export const ensureAdmin = defineCommand({
  name: "accounts.ensureAdmin",
  actor: "system",
  input: z.object({ email: emailField, name: nameField, password: passwordField }),
  transaction: "self",
  async run({ input, deps }) {
    const passwordHash = await hashPassword(input.password);
    return execute(upsertAdmin, { actor: null, input: { email: input.email, name: input.name, passwordHash } }, deps);
  },
});
