import type { UserView } from "../../shared/domain/accounts/view.js";
import { Alerts } from "./alerts.js";
import { api, onSessionRejected, setToken } from "./api.js";
import type { AppContext, Route, View } from "./context.js";
import { describeEvent } from "./describe.js";
import { fill, h } from "./dom.js";
import { Live } from "./live.js";
import { clearSession, loadSession, type Session, saveSession } from "./session.js";
import { authView } from "./views/auth.js";
import { notificationBell } from "./views/bell.js";
import { tickCountdowns } from "./views/bookingCard.js";
import { heading } from "./views/common.js";
import { connectionIndicator } from "./views/connection.js";
import { hostView } from "./views/host.js";
import { listingView } from "./views/listing.js";
import { opsView } from "./views/ops.js";
import { searchView } from "./views/search.js";
import { tripsView } from "./views/trips.js";

/**
 * The Nexus page: a hash router over a few views, one socket for live events, and the session in
 * localStorage. Logged out, only the login and sign-up forms exist.
 */
const root = document.getElementById("app")!;
const alerts = new Alerts();
let app: (AppContext & { dispose(): void; nav: HTMLElement }) | null = null;
let view: View | null = null;
let firstRender = true;

function parseRoute(): Route {
  const [path, query] = location.hash.replace(/^#\/?/, "").split("?", 2);
  return { path: path.split("/").filter(Boolean).map(decodeSegment), params: new URLSearchParams(query ?? "") };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // a hand-typed "%" must not break the page
  }
}

function homeOf(user: UserView): string {
  return user.role === "guest" ? "#/search" : "#/host";
}

function render(): void {
  view?.dispose?.();
  view = null;
  const route = parseRoute();
  const main = root.querySelector("main")!;
  if (!app) {
    const mode = route.path[0] === "signup" ? "signup" : "login";
    view = authView(mode, onLoggedIn);
  } else {
    const page = route.path[0] ?? "";
    if (page === "" || page === "login" || page === "signup") {
      location.replace(homeOf(app.session.user));
      return;
    }
    view = pageFor(app, page, route);
    for (const link of app.nav.querySelectorAll("a")) {
      if (link.dataset.page === page) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
  }
  fill(main, view.el);
  if (!firstRender) view.el.querySelector<HTMLElement>("h1")?.focus();
  firstRender = false;
}

function pageFor(ctx: AppContext, page: string, route: Route): View {
  switch (page) {
    case "search":
      return searchView(ctx, route);
    case "listing":
      return listingView(ctx, route);
    case "trips":
      return tripsView(ctx, route);
    case "host":
      return hostView(ctx);
    case "ops":
      return opsView(ctx);
    default:
      return {
        el: h("section", { class: "view" }, heading("Page not found"), h("p", {}, h("a", { href: "#/" }, "Go home"))),
      };
  }
}

function shell(): { header: HTMLElement; main: HTMLElement } {
  const main = h("main", { id: "main", tabindex: -1 });
  const header = h("header", { class: "topbar" }, h("a", { class: "brand", href: "#/" }, "Nexus"));
  fill(
    root,
    h("button", { type: "button", class: "skip", onclick: () => main.focus() }, "Skip to content"),
    header,
    main,
    h(
      "footer",
      { class: "site-footer", "data-testid": "site-footer" },
      "IP geolocation: ",
      h("a", { href: "https://github.com/sapics/ip-location-db" }, "ip-location-db"),
      " geo-whois-asn-country (CC0), from RIR data of the ",
      h("a", { href: "https://www.nro.net/" }, "NRO"),
      " (",
      h("a", { href: "https://creativecommons.org/licenses/by/4.0/" }, "CC BY 4.0"),
      ").",
    ),
    alerts.el,
  );
  return { header, main };
}

function start(session: Session): void {
  setToken(session.token);
  const { header } = shell();
  const live = new Live(session, () => logout("Your session has ended. Log in again."));
  const nav = h(
    "nav",
    { "aria-label": "Main" },
    h("a", { href: "#/search", "data-page": "search" }, "Search"),
    h("a", { href: "#/trips", "data-page": "trips", "data-testid": "nav-trips" }, "My trips"),
    session.user.role !== "guest"
      ? h("a", { href: "#/host", "data-page": "host", "data-testid": "nav-host" }, "Host dashboard")
      : null,
    session.user.role === "admin"
      ? h("a", { href: "#/ops", "data-page": "ops", "data-testid": "nav-ops" }, "Operations")
      : null,
  );
  const ctx: AppContext = {
    session,
    live,
    alerts,
    navigate: (hash) => {
      location.hash = hash;
    },
  };
  const bell = notificationBell(ctx);
  const connection = connectionIndicator(live);
  header.append(
    nav,
    h(
      "div",
      { class: "tools" },
      connection.el,
      bell.el,
      h("span", { class: "who", "data-testid": "current-user" }, session.user.name),
      h(
        "button",
        { type: "button", class: "link", "data-testid": "logout", onclick: () => logOutEverywhere() },
        "Log out",
      ),
    ),
  );
  const offs = [
    live.on("booking.created", (event) => {
      if (event.data.hostId !== session.user.id) return;
      alerts.show(describeEvent(event, session.user.id), { tone: "new", sticky: true, testid: "booking-alert" });
    }),
    live.on("booking.updated", (event) => {
      const tone = event.data.status === "confirmed" ? "success" : event.data.status === "completed" ? "info" : "error";
      alerts.show(describeEvent(event, session.user.id), { tone, testid: "booking-update-alert" });
    }),
    // A sign-in from somewhere new (or, for admins, a brute-force pattern): at once, until dismissed.
    live.on("security.alert", (event) => {
      alerts.show(describeEvent(event, session.user.id), { tone: "error", sticky: true, testid: "security-alert" });
    }),
    live.on("payment.updated", (event) => {
      if (event.data.status === "failed") alerts.show(describeEvent(event, session.user.id), { tone: "error" });
    }),
  ];
  app = {
    ...ctx,
    nav,
    dispose: () => {
      for (const off of offs) off();
      bell.dispose();
      connection.dispose();
      live.close();
    },
  };
  // The stored user may be stale (renamed) or the token revoked: ask once, quietly.
  api.get<{ user: UserView }>("/me").then(
    ({ user }) => saveSession({ ...session, user }),
    () => {},
  );
  render();
}

function onLoggedIn(session: Session): void {
  if (takeSignOutLink(session)) return;
  saveSession(session);
  // replaceState, not location.hash: no hashchange, so start() renders the page exactly once.
  history.replaceState(null, "", `/${homeOf(session.user)}`);
  start(session);
}

/**
 * The Log out button: revokes the account's tokens on the server (every tab and device is logged out,
 * their sockets end), then forgets the session here at once, without waiting for the answer. The request
 * has read the token before logout() clears it, so its answer can no longer call logout() again.
 */
function logOutEverywhere(): void {
  void api.post("/auth/logout").catch(() => {});
  logout();
}

function logout(notice?: string): void {
  view?.dispose?.();
  view = null;
  if (app) {
    app.dispose();
    app = null;
    alerts.clear();
  }
  clearSession();
  setToken(null);
  shell();
  if (!/^#\/(login|signup)\b/.test(location.hash)) history.replaceState(null, "", "/#/login");
  render();
  if (notice) alerts.show(notice, { tone: "info" });
}

/** Chapa's checkout sends the browser back to /?payment=<status>&booking=<id>. */
function takePaymentReturn(): void {
  const params = new URLSearchParams(location.search);
  const status = params.get("payment");
  if (!status) return;
  const booking = params.get("booking");
  history.replaceState(null, "", `/#/trips${booking ? `?booking=${encodeURIComponent(booking)}` : ""}`);
  const messages: Record<string, [string, "success" | "error" | "info"]> = {
    succeeded: ["Payment received. Your booking is confirmed.", "success"],
    pending: ["Chapa is still processing the payment. The booking updates here once it is settled.", "info"],
    failed: ["The payment did not go through. Your dates stay held until the countdown ends; try again.", "error"],
    refunded: ["This payment was refunded.", "info"],
    unknown: ["We could not find that payment. Check My trips for your booking's status.", "error"],
  };
  const [text, tone] = messages[status] ?? [`Payment status: ${status}.`, "info"];
  alerts.show(text, { tone, testid: "payment-return" });
}

/**
 * The security alert's link, /?signout=everywhere: revokes every token of the account (POST
 * /auth/logout). Signed in here, at once; otherwise right after the next login on this page.
 */
const SIGN_OUT_PENDING = "nexus.signOutEverywhere";
function takeSignOutLink(saved: Session | null): boolean {
  const asked = new URLSearchParams(location.search).get("signout") === "everywhere";
  if (asked) history.replaceState(null, "", "/#/login");
  if (!asked && sessionStorage.getItem(SIGN_OUT_PENDING) !== "1") return false;
  if (!saved) {
    sessionStorage.setItem(SIGN_OUT_PENDING, "1");
    logout("Log in to sign out every session of your account (your password is unchanged: change it next).");
    return true;
  }
  sessionStorage.removeItem(SIGN_OUT_PENDING);
  setToken(saved.token);
  void api.post("/auth/logout").then(
    () => logout("Every session of your account is signed out. Change your password if it was not you."),
    () => logout("Could not sign out everywhere; log in and use Log out, then change your password."),
  );
  return true;
}

onSessionRejected(() => logout("Your session has ended. Log in again."));
takePaymentReturn();
window.addEventListener("hashchange", render);
setInterval(() => tickCountdowns(), 1000);
const saved = loadSession();
if (!takeSignOutLink(saved)) {
  if (saved) start(saved);
  else logout();
}
