import { z } from "zod";
import { LoginEvent } from "../../db/entities/loginEvent.js";
import { defineCommand } from "../commands/define.js";

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
});

export type LoginAttempt = z.input<typeof loginAttemptInput>;

/** Writes one row of the login audit trail (success or failure), read by admins. */
export const recordLoginAttempt = defineCommand({
  name: "accounts.recordLoginAttempt",
  actor: "system",
  input: loginAttemptInput,
  async run({ input, tx: { em } }) {
    em.create(LoginEvent, input);
    await em.flush();
  },
});
