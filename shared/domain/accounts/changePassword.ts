import { z } from "zod";
import type { IUser } from "../../db/entities/user.js";
import { unauthenticated } from "../../errors.js";
import { secret } from "../../text.js";
import { defineCommand } from "../commands/define.js";
import { execute } from "../commands/execute.js";
import type { CommandDeps } from "../deps.js";
import { invalidCredentials } from "./authenticateUser.js";
import { PASSWORD_MAX, passwordField } from "./fields.js";
import { findUser } from "./findUser.js";
import { hashPassword, verifyPassword } from "./password.js";
import type { Actor } from "./tokens.js";
import { revokeTokens } from "./tokenVersions.js";

/** POST /me/password's body. */
export const changePasswordInput = z
  .object({
    currentPassword: secret({
      max: PASSWORD_MAX,
      messages: { min: "Required.", max: `At most ${PASSWORD_MAX} characters.` },
    }),
    newPassword: passwordField,
  })
  .meta({ id: "ChangePasswordRequest" });

/**
 * Sets a new password once the current one is proven, and revokes every earlier token (the point of
 * changing a password is often that someone else may hold one). Returns the account at its new token
 * version, so the caller can hand back a fresh token. A wrong current password is 401
 * invalid_credentials, as at login. Verifying and hashing happen outside any transaction, which then
 * only writes (revokeTokens): hashing never holds a pooled connection.
 */
export const changePassword = defineCommand({
  name: "accounts.changePassword",
  input: changePasswordInput,
  transaction: "self",
  async run({
    actor,
    input,
    deps,
  }: {
    actor: Actor;
    input: z.output<typeof changePasswordInput>;
    deps: CommandDeps;
  }): Promise<IUser> {
    const user = await findUser(deps.orm, actor.id);
    if (!user) throw unauthenticated("This token's account no longer exists.");
    if (!(await verifyPassword(input.currentPassword, user.passwordHash)).ok) throw invalidCredentials();
    const passwordHash = await hashPassword(input.newPassword);
    const version = await execute(
      revokeTokens,
      { actor: null, input: { userId: user.id, setPasswordHash: passwordHash } },
      deps,
    );
    if (version === null) throw unauthenticated("This token's account no longer exists.");
    return { ...user, passwordHash, tokenVersion: version };
  },
});
