import type { UserView } from "../../shared/domain/accounts/view.js";

/** Who is logged in, kept in localStorage so a reload stays logged in. */
export interface Session {
  token: string;
  user: UserView;
}

const SESSION_KEY = "nexus.session";
// Per user, so two accounts used in one browser never resume from each other's position.
const lastEventKey = (userId: string) => `nexus.lastEventId.${userId}`;

export function loadSession(): Session | null {
  try {
    const parsed = JSON.parse(localStorage.getItem(SESSION_KEY) ?? "null") as Session | null;
    return parsed?.token && parsed.user?.id ? parsed : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  localStorage.setItem(SESSION_KEY, JSON.stringify(session));
}

export function clearSession(): void {
  localStorage.removeItem(SESSION_KEY);
}

export function loadLastEventId(userId: string): number | undefined {
  const value = Number(localStorage.getItem(lastEventKey(userId)));
  return Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

/** Only ever moves forward: another tab of the same user may already be further along. */
export function saveLastEventId(userId: string, id: number): void {
  if ((loadLastEventId(userId) ?? 0) < id) localStorage.setItem(lastEventKey(userId), String(id));
}
