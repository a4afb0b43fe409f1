import { createSecretKey } from "node:crypto";
import jwt from "jsonwebtoken";
import { config } from "../../config.js";
import type { Role } from "./role.js";

/** Who is acting: what the token says, checked again against the database where it matters. */
export interface Actor {
  id: string;
  role: Role;
}

export interface TokenClaims {
  sub: string;
  role: Role;
  exp: number;
  /** The account's token version when the token was issued (tokenVersions.ts): revocation moves it on. */
  ver: number;
}

export const JWT_ALGORITHM = "HS256" as const;

/**
 * The HMAC key as a KeyObject: given a plain string, jsonwebtoken first tries (and fails) to parse it
 * as a public key on every verify, which cost ~13% of a booking request's CPU.
 */
export const jwtKey = createSecretKey(Buffer.from(config.JWT_SECRET));

/** What every verification demands besides the signature (REST's passport-jwt and the socket handshake). */
export const jwtVerifyOptions = {
  algorithms: [JWT_ALGORITHM],
  issuer: config.JWT_ISSUER,
  audience: config.JWT_AUDIENCE,
};

const ROLES: readonly string[] = ["guest", "host", "admin"];

export function issueToken(
  actor: Actor & { tokenVersion: number },
  options: { expiresInSeconds?: number } = {},
): string {
  return jwt.sign({ role: actor.role, ver: actor.tokenVersion }, jwtKey, {
    algorithm: JWT_ALGORITHM,
    subject: actor.id,
    expiresIn: options.expiresInSeconds ?? config.JWT_TTL_SECONDS,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
  });
}

/**
 * The claims of a verified payload, or null when one we rely on is missing. jsonwebtoken checks `exp`
 * only when present, so its presence is required here: a token without one would never expire.
 */
export function claimsOf(payload: unknown): TokenClaims | null {
  const c = payload as Partial<Record<keyof TokenClaims, unknown>> | null;
  if (!c || typeof c.sub !== "string" || typeof c.exp !== "number") return null;
  if (typeof c.role !== "string" || !ROLES.includes(c.role)) return null;
  if (typeof c.ver !== "number" || !Number.isSafeInteger(c.ver) || c.ver < 0) return null;
  return { sub: c.sub, role: c.role as Role, exp: c.exp, ver: c.ver };
}

/** The token's claims, or null when it is malformed, forged, expired, or not issued for this API. */
export function verifyToken(token: string): TokenClaims | null {
  try {
    return claimsOf(jwt.verify(token, jwtKey, jwtVerifyOptions));
  } catch {
    return null;
  }
}
