import { LoginEvent } from "../../db/entities/loginEvent.js";
import type { Orm } from "../../db/orm.js";
import { inUnitOfWork as runCommand } from "../commands/unitOfWork.js";

export interface LoginAttempt {
  userId: string | null;
  email: string;
  ip: string | null;
  userAgent: string | null;
  success: boolean;
  /** Refused by a login rate limit (success is false). */
  rateLimited?: boolean;
}

// The request supplies these strings (X-Forwarded-For when the proxy is trusted, User-Agent always),
// so they are clipped to what the columns hold rather than letting an odd header fail the insert.
const IP_MAX = 64;
const USER_AGENT_MAX = 1000;
const EMAIL_MAX = 320;

/** Writes one row of the login audit trail (success or failure), read by admins. */
export async function recordLoginAttempt(orm: Orm, attempt: LoginAttempt): Promise<void> {
  await runCommand(orm, async ({ em }) => {
    em.create(LoginEvent, {
      userId: attempt.userId,
      email: attempt.email.slice(0, EMAIL_MAX),
      ip: attempt.ip ? attempt.ip.slice(0, IP_MAX) : null,
      userAgent: attempt.userAgent ? attempt.userAgent.slice(0, USER_AGENT_MAX) : null,
      success: attempt.success,
      rateLimited: attempt.rateLimited ?? false,
    });
    await em.flush();
  });
}
