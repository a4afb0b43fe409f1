import type { IpKind } from "../../geoip/addressKind.js";

/** Where a login came from, as GeoIP said when it was recorded. */
export interface PlaceView {
  ipKind: IpKind;
  country: string | null;
  region: string | null;
  city: string | null;
  asn: number | null;
  asOrg: string | null;
}

/**
 * The `security.alert` event's data. To the account's owner: a successful login from a country or a
 * device not seen on the account lately (one alert per login, naming every reason). To every admin:
 * failed logins against one account from many IPs, or from one IP against many accounts.
 */
export type SecurityAlertView =
  | {
      kind: "new_login";
      loginEventId: number;
      reasons: ("new_country" | "new_device")[];
      at: string;
      ip: string | null;
      place: PlaceView;
      device: { browser: string | null; os: string | null; description: string };
      /** Opens the app, which signs every session of the account out (POST /auth/logout). */
      signOutUrl: string;
    }
  | {
      kind: "brute_force_account";
      alertId: number;
      at: string;
      userId: string;
      email: string;
      failures: number;
      distinctIps: number;
      countries: string[];
      windowMinutes: number;
    }
  | {
      kind: "brute_force_ip";
      alertId: number;
      at: string;
      ip: string;
      failures: number;
      distinctAccounts: number;
      country: string | null;
      windowMinutes: number;
    };
