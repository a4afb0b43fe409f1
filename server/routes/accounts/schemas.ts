import { z } from "zod";
import { emailField, nameField, PASSWORD_MAX, passwordField } from "../../../shared/domain/accounts/fields.js";
import { idPageCursor, pageLimit } from "../../../shared/pagination.js";
import { secret, singleLine } from "../../../shared/text.js";
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
  .meta({
    id: "RegisterRequest",
    examples: [{ email: "ada@example.com", password: "correct horse battery", name: "Ada Lovelace", role: "host" }],
  });

// Login only needs a string to look up: a malformed email simply matches no account.
export const loginBody = z
  .object({
    email: singleLine({ max: 320 }).toLowerCase(),
    password: secret({ max: PASSWORD_MAX }),
  })
  .meta({ id: "LoginRequest", examples: [{ email: "ada@example.com", password: "correct horse battery" }] });
export type LoginInput = z.output<typeof loginBody>;

export const sessionSchema = z
  .object({ user: userSchema, token: z.string().meta({ description: "Bearer token (JWT) for Authorization." }) })
  .meta({ id: "Session" });

export const meSchema = z.object({ user: userSchema });

export const changePasswordBody = z
  .object({
    currentPassword: secret({
      max: PASSWORD_MAX,
      messages: { min: "Required.", max: `At most ${PASSWORD_MAX} characters.` },
    }),
    newPassword: passwordField,
  })
  .meta({ id: "ChangePasswordRequest" });

export const loginEventsQuery = z.object({
  userId: z.uuid("Not a user id.").optional(),
  limit: pageLimit,
  // Login events are ordered by their sequence id alone: the cursor carries that id.
  cursor: idPageCursor.optional(),
});
