import { z } from "zod";
import { emailField, nameField, PASSWORD_MAX, passwordField } from "../../../shared/domain/accounts/fields.js";
import { idPageCursor, pageLimit } from "../../../shared/pagination.js";
import { userSchema } from "../../presenters/user.js";

/** Request and response schemas of the account routes: they validate input and describe the API. */

export const registerBody = z
  .object({
    email: emailField,
    password: passwordField,
    name: nameField,
    role: z
      .enum(["guest", "host"], { error: 'Either "guest" or "host"; admins are created by a script.' })
      .default("guest"),
  })
  .meta({ id: "RegisterRequest" });

// Login only needs a string to look up: a malformed email simply matches no account.
export const loginBody = z
  .object({
    email: z.string().trim().toLowerCase().min(1, "Required.").max(320, "At most 320 characters."),
    password: z.string().min(1, "Required.").max(PASSWORD_MAX, `At most ${PASSWORD_MAX} characters.`),
  })
  .meta({ id: "LoginRequest" });

export const sessionSchema = z
  .object({ user: userSchema, token: z.string().meta({ description: "Bearer token (JWT) for Authorization." }) })
  .meta({ id: "Session" });

export const meSchema = z.object({ user: userSchema });

export const changePasswordBody = z
  .object({
    currentPassword: z.string().min(1, "Required.").max(PASSWORD_MAX, `At most ${PASSWORD_MAX} characters.`),
    newPassword: passwordField,
  })
  .meta({ id: "ChangePasswordRequest" });

export const loginEventsQuery = z.object({
  userId: z.uuid("Not a user id.").optional(),
  limit: pageLimit,
  // Login events are ordered by their sequence id alone: the cursor carries that id.
  cursor: idPageCursor.optional(),
});
