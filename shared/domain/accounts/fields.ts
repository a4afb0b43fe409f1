import { z } from "zod";
import { secret, singleLine } from "../../text.js";

/**
 * The rules for account fields, shared by registration and the create-admin script so an account
 * made either way can log in through the API.
 */

// Trimmed and lowercased before the format check, so " Ada@X.test " is accepted as "ada@x.test".
export const emailField = singleLine({ max: 320 }).toLowerCase().check(z.email("Not a valid email address."));

export const PASSWORD_MIN = 8;
// Generous for passphrases, but bounded: every login hashes whatever arrives.
export const PASSWORD_MAX = 200;
export const passwordField = secret({
  min: PASSWORD_MIN,
  max: PASSWORD_MAX,
  messages: { min: `At least ${PASSWORD_MIN} characters.`, max: `At most ${PASSWORD_MAX} characters.` },
});

// One line: a name is copied into email subjects and bodies, where a line break would forge headers.
export const nameField = singleLine({ max: 200, messages: { min: "Required.", max: "At most 200 characters." } });
