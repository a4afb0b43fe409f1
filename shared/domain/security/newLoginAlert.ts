import { config } from "../../config.js";
import type { ILoginEvent } from "../../db/entities/loginEvent.js";
import { sql } from "../../db/sql.js";
import type { IpKind } from "../../geoip/addressKind.js";
import { describeDevice } from "../../geoip/device.js";
import type { CommandTx } from "../commands/unitOfWork.js";
import type { SecurityAlertView } from "./view.js";

/** The link in the alert and its email: the app signs every session of the account out (POST /auth/logout). */
export const signOutEverywhereUrl = () => `${config.PUBLIC_URL.replace(/\/+$/, "")}/?signout=everywhere`;

/** The alert's view of one login event row (also what the email is composed from). */
export function newLoginView(
  event: Pick<
    ILoginEvent,
    "id" | "ip" | "ipKind" | "country" | "region" | "city" | "asn" | "asOrg" | "browser" | "os" | "createdAt"
  >,
  reasons: ("new_country" | "new_device")[],
): Extract<SecurityAlertView, { kind: "new_login" }> {
  const device = { browser: event.browser ?? null, os: event.os ?? null };
  return {
    kind: "new_login",
    loginEventId: event.id,
    reasons,
    at: new Date(event.createdAt).toISOString(),
    ip: event.ip ?? null,
    place: {
      ipKind: event.ipKind as IpKind,
      country: event.country ?? null,
      region: event.region ?? null,
      city: event.city ?? null,
      asn: event.asn ?? null,
      asOrg: event.asOrg ?? null,
    },
    device: { ...device, description: describeDevice(device) },
    signOutUrl: signOutEverywhereUrl(),
  };
}

/**
 * A successful login from a country, or with a device (browser + OS family), that the account has not
 * logged in from in the last SECURITY_ALERT_LOOKBACK_DAYS: one security.alert to the owner and one
 * email, naming every reason at once (a new country on a new device is one alert, not two). The
 * account's first login ever sets what is known and alerts nothing; an unknown country (a private
 * address, or one the database does not place) or an unreadable User-Agent is no reason by itself.
 */
export async function alertNewLogin(tx: CommandTx, event: ILoginEvent): Promise<void> {
  const userId = event.userId;
  if (!userId) return;
  const [known] = await sql(tx.em)<{ ever: boolean; same_country: boolean; same_device: boolean }>(
    `select exists (select 1 from login_events where user_id = ? and success and id <> ?) as ever,
            exists (select 1 from login_events where user_id = ? and success and id <> ?
                       and created_at > now() - ?::int * interval '1 day' and country = ?) as same_country,
            exists (select 1 from login_events where user_id = ? and success and id <> ?
                       and created_at > now() - ?::int * interval '1 day'
                       and browser is not distinct from ? and os is not distinct from ?) as same_device`,
    [
      userId,
      event.id,
      userId,
      event.id,
      config.SECURITY_ALERT_LOOKBACK_DAYS,
      event.country ?? null,
      userId,
      event.id,
      config.SECURITY_ALERT_LOOKBACK_DAYS,
      event.browser ?? null,
      event.os ?? null,
    ],
  );
  if (!known.ever) return;
  const reasons: ("new_country" | "new_device")[] = [];
  if (event.country && !known.same_country) reasons.push("new_country");
  if ((event.browser || event.os) && !known.same_device) reasons.push("new_device");
  if (!reasons.length) return;

  await tx.emit({ type: "security.alert", userIds: [userId], data: newLoginView(event, reasons) });
  await tx.sideEffect("email", `email:security_alert_user:${event.id}`, {
    template: "security_alert_user",
    recipientUserId: userId,
    loginEventId: event.id,
    reasons,
  });
}
