import { randomBytes } from "node:crypto";
import type { IUser } from "../../db/entities/user.js";
import type { Orm } from "../../db/orm.js";
import { AppError } from "../../errors.js";
import { logger } from "../../logger.js";
import { findUserByEmail } from "./findUser.js";
import { hashPassword, verifyPassword } from "./password.js";

export type AuthenticationResult = { ok: true; user: IUser } | { ok: false; userId: string | null };

export const invalidCredentials = () => new AppError("invalid_credentials", 401, "The email or password is wrong.");

// Checked when the email matches no account, so an unknown email costs the same scrypt work as a
// wrong password and response times do not reveal which emails have accounts.
let dummyHash: Promise<string> | null = null;

/**
 * A hash made with older parameters is replaced while the password is at hand. Only if it is still
 * the one verified: a password changed meanwhile is never overwritten with the old one.
 */
async function rehash(orm: Orm, user: IUser, password: string): Promise<void> {
  try {
    const passwordHash = await hashPassword(password);
    await orm.em
      .getConnection()
      .execute("update users set password_hash = ? where id = ? and password_hash = ?", [
        passwordHash,
        user.id,
        user.passwordHash,
      ]);
  } catch (err) {
    logger.warn({ err: (err as Error).message, userId: user.id }, "password rehash failed; kept the old hash");
  }
}

/** Checks an email and password; a failure says which account it was against, if any (for the audit log). */
export async function authenticateUser(
  orm: Orm,
  credentials: { email: string; password: string },
): Promise<AuthenticationResult> {
  const user = await findUserByEmail(orm, credentials.email);
  if (!user) {
    dummyHash ??= hashPassword(randomBytes(16).toString("hex"));
    await verifyPassword(credentials.password, await dummyHash);
    return { ok: false, userId: null };
  }
  const check = await verifyPassword(credentials.password, user.passwordHash);
  if (!check.ok) return { ok: false, userId: user.id };
  if (check.needsRehash) await rehash(orm, user, credentials.password);
  return { ok: true, user };
}
