import { z } from "zod";
import { type IUser, User } from "../../db/entities/user.js";
import { conflict } from "../../errors.js";
import { onConstraint } from "../commands/databaseErrors.js";
import { defineCommand } from "../commands/define.js";
import { execute } from "../commands/execute.js";
import { normalizeEmail } from "./email.js";
import { emailField, nameField, passwordField } from "./fields.js";
import { hashPassword } from "./password.js";

/** What registration takes (POST /auth/register). */
export const registerInput = z
  .object({
    email: emailField,
    password: passwordField,
    name: nameField,
    role: z
      .enum(["guest", "host"], { error: 'Either "guest" or "host"; admins are created by a script.' })
      .default("guest"),
  })
  .meta({
    id: "RegisterRequest",
    examples: [{ email: "ada@example.com", password: "correct horse battery", name: "Ada Lovelace", role: "host" }],
  });

export const emailTaken = () => conflict("email_taken", "An account with this email already exists.");

const insertUser = defineCommand({
  name: "accounts.insertUser",
  actor: "system",
  input: z.object({ email: z.string(), name: z.string(), role: z.enum(["guest", "host"]), passwordHash: z.string() }),
  errors: { unique: onConstraint("users_email_unique", emailTaken()) },
  async run({ input, tx: { em } }): Promise<IUser> {
    const user = em.create(User, { ...input, email: normalizeEmail(input.email) });
    await em.flush();
    return user;
  },
});

/**
 * Creates a guest or host account (anyone may). Uniqueness is the database's job (citext unique
 * constraint): two racing registrations of one email cannot both pass a check-then-insert, but only
 * one can insert (409 email_taken). Hashing (~30 ms) happens before the transaction, so it never
 * holds a pooled connection: hence `transaction: "self"` around the one-insert command.
 */
export const registerUser = defineCommand({
  name: "accounts.register",
  actor: "system",
  input: registerInput,
  transaction: "self",
  async run({ input, deps }) {
    const passwordHash = await hashPassword(input.password);
    return execute(
      insertUser,
      { actor: null, input: { email: input.email, name: input.name, role: input.role, passwordHash } },
      deps,
    );
  },
});
