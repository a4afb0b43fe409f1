import { z } from "zod";

/**
 * The rules for account fields, shared by registration and the create-admin script so an account
 * made either way can log in through the API.
 */

// Trimmed and lowercased before the format check, so " Ada@X.test " is accepted as "ada@x.test".
export const emailField = z.string().trim().max(320).toLowerCase().check(z.email("Not a valid email address."));

export const PASSWORD_MIN = 8;
// Generous for passphrases, but bounded: every login hashes whatever arrives.
export const PASSWORD_MAX = 200;
export const passwordField = z
  .string()
  .min(PASSWORD_MIN, `At least ${PASSWORD_MIN} characters.`)
  .max(PASSWORD_MAX, `At most ${PASSWORD_MAX} characters.`);

export const nameField = z.string().trim().min(1, "Required.").max(200, "At most 200 characters.");
