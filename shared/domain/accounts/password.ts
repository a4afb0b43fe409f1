import { randomBytes, scrypt as scryptCb, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";
import { config } from "../../config.js";

const scrypt = promisify(scryptCb) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: object,
) => Promise<Buffer>;

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/**
 * scrypt at N=2^17, r=8, p=1 (OWASP's first recommended setting; ~128 MiB and a few hundred ms per
 * hash). PASSWORD_SCRYPT_LOG2_N lowers N for the test suite only (config refuses it elsewhere).
 */
export function passwordParams(c: { PASSWORD_SCRYPT_LOG2_N: number } = config): ScryptParams {
  return { N: 2 ** c.PASSWORD_SCRYPT_LOG2_N, r: 8, p: 1 };
}

const KEY_LENGTH = 32;
// Hashes are ours, but a corrupted row must not make one login allocate gigabytes.
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

// scrypt needs 128·N·r bytes; Node refuses anything over `maxmem` (32 MiB by default), so allow twice that.
const maxmemOf = ({ N, r }: ScryptParams) => 2 * 128 * N * r;

/**
 * Hashes a password as `scrypt$N$r$p$salt$hash` (base64): self-describing, so a hash made with older
 * parameters still verifies, and is redone at its next successful login (needsRehash).
 */
export async function hashPassword(password: string, params: ScryptParams = passwordParams()): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, KEY_LENGTH, { ...params, maxmem: maxmemOf(params) });
  return ["scrypt", params.N, params.r, params.p, salt.toString("base64"), hash.toString("base64")].join("$");
}

export interface PasswordCheck {
  ok: boolean;
  /** The hash was made with other parameters than today's: store a new one while the password is at hand. */
  needsRehash: boolean;
}

export async function verifyPassword(password: string, stored: string): Promise<PasswordCheck> {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  const sane =
    [params.N, params.r, params.p].every((x) => Number.isSafeInteger(x) && x > 0) &&
    params.N <= MAX_N &&
    params.r <= MAX_R &&
    params.p <= MAX_P;
  if (scheme !== "scrypt" || !sane || !salt || !hash) return { ok: false, needsRehash: false };
  const expected = Buffer.from(hash, "base64");
  const actual = await scrypt(password, Buffer.from(salt, "base64"), expected.length, {
    ...params,
    maxmem: maxmemOf(params),
  });
  const ok = timingSafeEqual(actual, expected);
  const target = passwordParams();
  const current = params.N === target.N && params.r === target.r && params.p === target.p;
  return { ok, needsRehash: ok && (!current || expected.length !== KEY_LENGTH) };
}
