import { config } from "../../config.js";
import type { ILoginEvent } from "../../db/entities/loginEvent.js";
import { sql } from "../../db/sql.js";
import type { CommandTx } from "../commands/unitOfWork.js";
import type { SecurityAlertView } from "./view.js";

type Q = ReturnType<typeof sql>;

/**
 * Records an admin alert for (kind, subject) unless one was raised in the current window, and sends it
 * to every admin. The advisory lock (per kind and subject, until the commit) makes two failures that
 * complete the pattern at once raise it once.
 */
async function raiseOnce(
  q: Q,
  tx: CommandTx,
  kind: "brute_force_account" | "brute_force_ip",
  subject: string,
  build: (alertId: number, at: string) => SecurityAlertView,
): Promise<void> {
  await q("select pg_advisory_xact_lock(hashtext(?))", [`security_alert:${kind}:${subject}`]);
  const [recent] = await q(
    `select 1 from security_alerts where kind = ? and subject = ? and created_at > now() - ?::int * interval '1 minute'`,
    [kind, subject, config.BRUTE_FORCE_WINDOW_MINUTES],
  );
  if (recent) return;
  const [row] = await q<{ id: string; at: string }>(
    `insert into security_alerts (kind, subject, data) values (?, ?, '{}'::jsonb) returning id, utc_iso(created_at) as at`,
    [kind, subject],
  );
  const view = build(Number(row.id), row.at);
  await q("update security_alerts set data = ?::jsonb where id = ?", [JSON.stringify(view), row.id]);
  const admins = await q<{ id: string }>("select id from users where role = 'admin'");
  if (admins.length) await tx.emit({ type: "security.alert", userIds: admins.map((a) => a.id), data: view });
}

/**
 * After a failed login: failures against one account from BRUTE_FORCE_IPS_PER_ACCOUNT distinct IPs, or
 * from one IP naming BRUTE_FORCE_ACCOUNTS_PER_IP distinct emails, within BRUTE_FORCE_WINDOW_MINUTES,
 * raise an admin alert (security.alert to every admin), once per pattern and window.
 */
export async function detectBruteForce(tx: CommandTx, event: ILoginEvent): Promise<void> {
  const q = sql(tx.em);
  const windowMinutes = config.BRUTE_FORCE_WINDOW_MINUTES;
  if (event.userId) {
    const [account] = await q<{ failures: number; ips: number; countries: string[] | null }>(
      `select count(*)::int as failures, count(distinct ip)::int as ips,
              array_agg(distinct country) filter (where country is not null) as countries
         from login_events
        where user_id = ? and not success and not blocked and created_at > now() - ?::int * interval '1 minute'`,
      [event.userId, windowMinutes],
    );
    if (account.ips >= config.BRUTE_FORCE_IPS_PER_ACCOUNT) {
      await raiseOnce(q, tx, "brute_force_account", event.userId, (alertId, at) => ({
        kind: "brute_force_account",
        alertId,
        at,
        userId: event.userId as string,
        email: event.email,
        failures: account.failures,
        distinctIps: account.ips,
        countries: account.countries ?? [],
        windowMinutes,
      }));
    }
  }
  if (event.ip) {
    const [source] = await q<{ failures: number; accounts: number }>(
      `select count(*)::int as failures, count(distinct lower(email))::int as accounts
         from login_events
        where ip = ? and not success and not blocked and created_at > now() - ?::int * interval '1 minute'`,
      [event.ip, windowMinutes],
    );
    if (source.accounts >= config.BRUTE_FORCE_ACCOUNTS_PER_IP) {
      const ip = event.ip;
      await raiseOnce(q, tx, "brute_force_ip", ip, (alertId, at) => ({
        kind: "brute_force_ip",
        alertId,
        at,
        ip,
        failures: source.failures,
        distinctAccounts: source.accounts,
        country: event.country ?? null,
        windowMinutes,
      }));
    }
  }
}
