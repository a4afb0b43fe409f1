import { createSecretKey } from "node:crypto";
import jwt from "jsonwebtoken";
import { config } from "../../config.js";
import type { Role } from "../../events/eventMap.js";

/** Who is acting: what the token says, checked again against the database where it matters. */
export interface Actor {
  id: string;
  role: Role;
}

export interface TokenClaims {
  sub: string;
  role: Role;
  exp: number;
}

export const JWT_ALGORITHM = "HS256" as const;

/**
 * The HMAC key as a KeyObject: given a plain string, jsonwebtoken first tries (and fails) to parse it
 * as a public key on every verify, which cost ~13% of a booking request's CPU.
 */
export const jwtKey = createSecretKey(Buffer.from(config.JWT_SECRET));

export function issueToken(actor: Actor): string {
  return jwt.sign({ role: actor.role }, jwtKey, {
    algorithm: JWT_ALGORITHM,
    subject: actor.id,
    expiresIn: config.JWT_TTL_SECONDS,
  });
}

/** The token's claims, or null when it is malformed, forged or expired. */
export function verifyToken(token: string): TokenClaims | null {
  try {
    const claims = jwt.verify(token, jwtKey, { algorithms: [JWT_ALGORITHM] }) as jwt.JwtPayload;
    if (typeof claims.sub !== "string" || typeof claims.exp !== "number") return null;
    return { sub: claims.sub, role: claims.role as Role, exp: claims.exp };
  } catch {
    return null;
  }
}
