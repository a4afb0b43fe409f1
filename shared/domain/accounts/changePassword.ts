import type { Redis } from "ioredis";
import type { IUser } from "../../db/entities/user.js";
import type { Orm } from "../../db/orm.js";
import { unauthenticated } from "../../errors.js";
import { invalidCredentials } from "./authenticateUser.js";
import { findUser } from "./findUser.js";
import { hashPassword, verifyPassword } from "./password.js";
import { revokeTokens } from "./tokenVersions.js";

/**
 * Sets a new password once the current one is proven, and revokes every earlier token (the point of
 * changing a password is often that someone else may hold one). Returns the account at its new token
 * version, so the caller can hand back a fresh token. A wrong current password is 401
 * invalid_credentials, as at login.
 */
export async function changePassword(
  deps: { orm: Orm; redis: Redis },
  input: { userId: string; currentPassword: string; newPassword: string },
): Promise<IUser> {
  const user = await findUser(deps.orm, input.userId);
  if (!user) throw unauthenticated("This token's account no longer exists.");
  if (!(await verifyPassword(input.currentPassword, user.passwordHash)).ok) throw invalidCredentials();
  // Hashed before the transaction, which then only writes: hashing never holds a pooled connection.
  const passwordHash = await hashPassword(input.newPassword);
  const version = await revokeTokens(deps, user.id, { setPasswordHash: passwordHash });
  if (version === null) throw unauthenticated("This token's account no longer exists.");
  return { ...user, passwordHash, tokenVersion: version };
}
