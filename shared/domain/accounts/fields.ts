import { z } from "zod";
import { secret, singleLine } from "../../text.js";
import { isCommonPassword } from "./commonPasswords.js";

/**
 * The rules for account fields, shared by registration and the create-admin script so an account
 * made either way can log in through the API.
 */

// Trimmed and lowercased before the format check, so " Ada@X.test " is accepted as "ada@x.test".
export const emailField = singleLine({ max: 320 }).toLowerCase().check(z.email("Not a valid email address."));

export const PASSWORD_MIN = 8;
// Generous for passphrases, but bounded: every login hashes whatever arrives.
export const PASSWORD_MAX = 200;
// A new password (register, password change, create-admin): NUL- and surrogate-free, never trimmed
// (secret), not blank, and not one of the 10,000 most common passwords, which a guesser tries first
// (NIST SP 800-63B's blocklist advice).
export const passwordField = secret({
  min: PASSWORD_MIN,
  max: PASSWORD_MAX,
  messages: { min: `At least ${PASSWORD_MIN} characters.`, max: `At most ${PASSWORD_MAX} characters.` },
})
  .refine((p) => p.trim().length > 0, "Must not be blank.")
  .refine((p) => !isCommonPassword(p), "This password is among the most common ones; choose another.");

// One line: a name is copied into email subjects and bodies, where a line break would forge headers.
export const nameField = singleLine({ max: 200, messages: { min: "Required.", max: "At most 200 characters." } });
