import type { SecurityAlertView } from "../domain/security/view.js";
import { formatInstant } from "./format.js";
import type { EmailContent } from "./render.js";

type NewLogin = Extract<SecurityAlertView, { kind: "new_login" }>;

const KIND_LABEL: Record<string, string> = {
  private: "a private network",
  loopback: "this server itself",
  reserved: "a reserved address",
  unknown: "an unknown address",
};

/** "Addis Ababa, Addis Ababa, ET (AS24757 Ethio Telecom)", or what the address is when it has no place. */
export function describePlace(place: NewLogin["place"]): string {
  if (place.ipKind !== "public") return KIND_LABEL[place.ipKind] ?? "an unknown place";
  const where = [place.city, place.region, place.country].filter(Boolean).join(", ") || "an unknown place";
  const network = place.asn ? ` (AS${place.asn}${place.asOrg ? ` ${place.asOrg}` : ""})` : "";
  return `${where}${network}`;
}

/** security_alert_user: a sign-in from a country or device the account has not used lately. */
export function securityAlertEmail(recipient: { name: string }, alert: NewLogin): EmailContent {
  const what = alert.reasons.includes("new_country")
    ? alert.reasons.includes("new_device")
      ? "from a new country and a new device"
      : "from a new country"
    : "from a new device";
  return {
    subject: `New sign-in to your Nexus account ${what}`,
    heading: "Was this you?",
    blocks: [
      { paragraph: `Hi ${recipient.name},` },
      {
        paragraph: `Someone signed in to your account ${what}. If it was you, there is nothing to do. If it was not, sign out everywhere at once, then change your password.`,
      },
      {
        details: [
          ["When", formatInstant(alert.at)],
          ["Where", describePlace(alert.place)],
          ["IP address", alert.ip ?? "unknown"],
          ["Device", alert.device.description],
        ],
      },
      { action: { label: "Not me: sign out everywhere", url: alert.signOutUrl } },
    ],
  };
}
