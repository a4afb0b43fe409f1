import { z } from "zod";
import { LoginEvent } from "../../db/entities/loginEvent.js";
import { parseDevice } from "../../geoip/device.js";
import { geoIp } from "../../geoip/geoIp.js";
import { defineCommand } from "../commands/define.js";
import { detectBruteForce } from "../security/bruteForce.js";
import { alertNewLogin } from "../security/newLoginAlert.js";

// The request supplies these strings (X-Forwarded-For when the proxy is trusted, User-Agent always),
// so they are clipped to what the columns hold rather than letting an odd header fail the insert.
const IP_MAX = 64;
const USER_AGENT_MAX = 1000;
const EMAIL_MAX = 320;

const clipped = (max: number) => z.string().transform((s) => s.slice(0, max));

/** One login attempt as the audit trail records it. */
export const loginAttemptInput = z.object({
  userId: z.guid().nullable(),
  email: clipped(EMAIL_MAX),
  ip: clipped(IP_MAX).nullable(),
  userAgent: clipped(USER_AGENT_MAX).nullable(),
  success: z.boolean(),
  /** Refused by a login rate limit (success is false). */
  rateLimited: z.boolean().default(false),
  /** Refused by the admin IP blocklist (success is false). */
  blocked: z.boolean().default(false),
  /** Which door: a login, or a registration (only recorded when the blocklist refused it). */
  attempt: z.enum(["login", "register"]).default("login"),
});

export type LoginAttempt = z.input<typeof loginAttemptInput>;

/**
 * Writes one row of the login audit trail (success or failure), enriched at write time with what the
 * offline GeoIP databases and the User-Agent say (a later database update never rewrites history).
 * In the same transaction: a success from a new country or device alerts the account's owner
 * (security.alert + email), a failure may complete a brute-force pattern that alerts the admins.
 */
export const recordLoginAttempt = defineCommand({
  name: "accounts.recordLoginAttempt",
  actor: "system",
  input: loginAttemptInput,
  async run({ input, tx }) {
    const place = (await geoIp()).lookup(input.ip);
    const device = parseDevice(input.userAgent);
    const event = tx.em.create(LoginEvent, { ...input, ...place, ...device });
    await tx.em.flush();
    // The operations page's "login failures by country", through the event pipeline (no user audience).
    if (!input.success)
      await tx.emit({ type: "login.failed", data: { country: place.country, at: event.createdAt.toISOString() } });
    if (input.blocked) return;
    if (input.success && input.userId) await alertNewLogin(tx, event);
    else if (!input.success) await detectBruteForce(tx, event);
  },
});
