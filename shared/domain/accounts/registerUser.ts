import { type IUser, User } from "../../db/entities/user.js";
import type { Orm } from "../../db/orm.js";
import { conflict } from "../../errors.js";
import { inUnitOfWork as runCommand } from "../commands/unitOfWork.js";
import { normalizeEmail } from "./email.js";
import { hashPassword } from "./password.js";

export interface RegisterInput {
  email: string;
  password: string;
  name: string;
  role: "guest" | "host";
}

/** A PostgreSQL unique violation (23505) of the named constraint, as MikroORM rethrows it. */
export function isUniqueViolation(err: unknown, constraint: string): boolean {
  const e = err as { code?: string; constraint?: string };
  return e?.code === "23505" && e.constraint === constraint;
}

export const emailTaken = () => conflict("email_taken", "An account with this email already exists.");

/**
 * Creates a guest or host account. Uniqueness is the database's job (citext unique constraint): two
 * racing registrations of one email cannot both pass a check-then-insert, but only one can insert.
 */
export async function registerUser(orm: Orm, input: RegisterInput): Promise<IUser> {
  // Hashing (~30 ms) happens before the transaction so it never holds a pooled connection.
  const passwordHash = await hashPassword(input.password);
  try {
    return await runCommand(orm, async ({ em }) => {
      const user = em.create(User, {
        email: normalizeEmail(input.email),
        name: input.name,
        role: input.role,
        passwordHash,
      });
      await em.flush();
      return user;
    });
  } catch (err) {
    if (isUniqueViolation(err, "users_email_unique")) throw emailTaken();
    throw err;
  }
}
