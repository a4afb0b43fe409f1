import type { Alerts } from "./alerts.js";
import type { Live } from "./live.js";
import type { Session } from "./session.js";

/** What every view of a logged-in page gets. */
export interface AppContext {
  session: Session;
  live: Live;
  alerts: Alerts;
  navigate(hash: string): void;
}

/** A rendered view; `dispose` drops its live listeners and timers when the user moves elsewhere. */
export interface View {
  el: HTMLElement;
  dispose?: () => void;
}

export interface Route {
  /** Path segments after "#/", e.g. ["listing", "<id>"]. */
  path: string[];
  params: URLSearchParams;
}
