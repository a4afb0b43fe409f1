import { z } from "zod";
import { PASSWORD_MAX } from "../../../shared/domain/accounts/fields.js";
import { secret, singleLine } from "../../../shared/text.js";
import { userSchema } from "../../presenters/user.js";

/** Request and response schemas of the account routes: they validate input and describe the API. */

export { changePasswordInput as changePasswordBody } from "../../../shared/domain/accounts/changePassword.js";
export { loginEventsInput as loginEventsQuery } from "../../../shared/domain/accounts/listLoginEvents.js";
// The bodies and queries of commands are defined with them, in the domain.
export { registerInput as registerBody } from "../../../shared/domain/accounts/registerUser.js";

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
