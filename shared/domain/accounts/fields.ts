import { z } from "zod";
import { isCommonPassword } from "./commonPasswords.js";

/**
 * The rules for account fields, shared by registration and the create-admin script so an account
 * made either way can log in through the API.
 */

// Trimmed and lowercased before the format check, so " Ada@X.test " is accepted as "ada@x.test".
export const emailField = z.string().trim().max(320).toLowerCase().check(z.email("Not a valid email address."));

export const PASSWORD_MIN = 8;
// Generous for passphrases, but bounded: every login hashes whatever arrives.
export const PASSWORD_MAX = 200;
// A new password (register, password change, create-admin): not blank, and not one of the 10,000
// most common passwords, which a guesser tries first (NIST SP 800-63B's blocklist advice).
export const passwordField = z
  .string()
  .min(PASSWORD_MIN, `At least ${PASSWORD_MIN} characters.`)
  .max(PASSWORD_MAX, `At most ${PASSWORD_MAX} characters.`)
  .refine((p) => p.trim().length > 0, "Must not be blank.")
  .refine((p) => !isCommonPassword(p), "This password is among the most common ones; choose another.");

export const nameField = z.string().trim().min(1, "Required.").max(200, "At most 200 characters.");
