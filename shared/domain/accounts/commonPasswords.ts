import { readFileSync } from "node:fs";

/**
 * The 10,000 most common passwords, most common first, one per line in commonPasswords.txt: the
 * first 10,000 entries of the `passwords` frequency list of zxcvbn 4.4.2 (MIT, © 2012-2016 Dan
 * Wheeler and Dropbox, Inc.; see commonPasswords.NOTICE), which ranks Mark Burnett's corpus of 10
 * million leaked passwords by frequency. The list is lowercase, so the check is case-insensitive
 * ("Password1" is refused like "password1"). `npm run build` copies the file next to the compiled
 * module.
 */
let common: Set<string> | null = null;

export function isCommonPassword(password: string): boolean {
  common ??= new Set(
    readFileSync(new URL("./commonPasswords.txt", import.meta.url), "utf8")
      .split("\n")
      .filter((line) => line.length > 0),
  );
  return common.has(password.trim().toLowerCase());
}
