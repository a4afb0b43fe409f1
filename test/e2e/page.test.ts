import "../helpers/env.js";

import test from "ava";
import type { Browser } from "playwright-core";
import { type RunningApp, startApp } from "../helpers/app.js";
import {
  launchBrowser,
  logInThroughUi,
  newPerson,
  openPage,
  PHONE,
  screenshot,
  waitForText,
} from "../helpers/browser.js";
import { closeFactories, createGuest, createHost, createListing, PASSWORD } from "../helpers/factories.js";
import { apiClient } from "../helpers/http.js";

/**
 * The page itself, served by one in-process app: how it is served, and that it renders, logs in and
 * shows API errors politely. The live flow across real processes is in live.test.ts.
 */
let app: RunningApp;
let browser: Browser;

test.serial.before(async () => {
  app = await startApp();
  browser = await launchBrowser();
});
test.after.always(async () => {
  await browser?.close();
  await app?.close();
  await closeFactories();
});

test.serial("GET / serves the page with a same-origin CSP; its files by name; other paths stay JSON 404", async (t) => {
  const http = apiClient(app.url);
  const page = await http.get("/");
  t.is(page.status, 200);
  t.regex(page.headers.get("content-type") ?? "", /^text\/html/);
  t.regex(String(page.body), /<script type="module" src="\/main\.js"><\/script>/);
  t.regex(page.headers.get("content-security-policy") ?? "", /default-src 'self'/);
  t.notRegex(String(page.body), /https?:\/\//, "no CDN or external URL in the page");

  const bundle = await http.get("/main.js");
  t.is(bundle.status, 200);
  t.regex(bundle.headers.get("content-type") ?? "", /javascript/);
  t.notRegex(String(bundle.body), /https?:\/\/(cdn|unpkg|jsdelivr)/);
  for (const file of ["/styles.css", "/components.css", "/favicon.svg"]) t.is((await http.get(file)).status, 200, file);

  const etag = bundle.headers.get("etag")!;
  // An explicit Cache-Control: fetch otherwise adds "no-cache" to conditional requests, which forbids a 304.
  t.is((await http.get("/main.js", { "if-none-match": etag, "cache-control": "max-age=0" })).status, 304);

  for (const path of ["/api/v1/no-such-route", "/no-such-file.js", "/server/client/main.ts", "/..%2fpackage.json"]) {
    const res = await http.get(path);
    t.is(res.status, 404, path);
    t.is(res.body?.error?.code, "not_found", path);
  }
  // Only GET and HEAD are served: another method on the page is 405 with Allow (API.md v1.1).
  const posted = await http.post("/", {});
  t.is(posted.status, 405, "only GET and HEAD are served");
  t.is(posted.body?.error?.code, "method_not_allowed");
  t.regex(posted.headers.get("allow") ?? "", /GET/);
});

test.serial("the page renders in chromium, shows a wrong password politely, then logs in", async (t) => {
  const guest = await createGuest({ name: "Abebe Guest" });
  const context = await newPerson(browser);
  const { page, problems } = await openPage(context, app.url);
  await page.getByRole("heading", { name: "Log in to Nexus" }).waitFor();
  await screenshot(page, "01-login");

  await page.getByLabel("Email").fill(guest.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Log in" }).click();
  const error = await waitForText(page.getByTestId("auth-error"), /\S/);
  t.notRegex(error, /undefined|\[object/i);
  t.true(await page.getByRole("button", { name: "Log in" }).isEnabled(), "the form is usable again");

  await logInThroughUi(page, guest.email, PASSWORD);
  t.is(await page.getByTestId("current-user").textContent(), "Abebe Guest");
  t.regex(page.url(), /#\/search$/);
  t.truthy(await page.evaluate(() => localStorage.getItem("nexus.session")), "the token is kept in localStorage");

  await page.reload();
  await page.getByTestId("current-user").waitFor();
  t.pass("a reload stays logged in");
  // The failed login is an expected 401; nothing else may go wrong.
  t.deepEqual(
    problems.filter((p) => !p.includes("HTTP 401: POST")),
    [],
  );
  await context.close();
});

test.serial("on a phone-sized screen the search and its results fit the width", async (t) => {
  const host = await createHost();
  await createListing(host, { title: "Phone-friendly loft", city: "Bahir Dar" });
  const guest = await createGuest();
  const context = await newPerson(browser, PHONE);
  const { page, problems } = await openPage(context, app.url);
  await logInThroughUi(page, guest.email, PASSWORD);
  await page.getByTestId("search-city").fill("Bahir Dar");
  await page.getByTestId("search-submit").click();
  await waitForText(page.getByTestId("search-summary"), /1 place found/);
  await page.getByTestId("listing-card").filter({ hasText: "Phone-friendly loft" }).waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  t.true(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
  await screenshot(page, "02-search-phone");
  t.deepEqual(problems, []);
  await context.close();
});

test.serial("signing up as a host with the keyboard alone lands on the host dashboard", async (t) => {
  const context = await newPerson(browser);
  const { page, problems } = await openPage(context, `${app.url}/#/signup`);
  await page.getByRole("heading", { name: "Create your Nexus account" }).waitFor();
  await page.getByLabel("Your name").focus();
  await page.keyboard.type("Kebede Host");
  await page.keyboard.press("Tab");
  await page.keyboard.type(`kebede-${Date.now()}@example.test`);
  await page.keyboard.press("Tab");
  await page.keyboard.type("a long enough password");
  await page.keyboard.press("Tab"); // the role radios: "Book stays" is checked
  await page.keyboard.press("ArrowRight"); // → "Host my place"
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { name: "Host dashboard" }).waitFor();
  t.is(await page.getByTestId("current-user").textContent(), "Kebede Host");
  await waitForText(page.getByTestId("host-listings"), /no active listings/);
  await screenshot(page, "03-host-signed-up");
  t.deepEqual(problems, []);
  await context.close();
});

test.serial("Log out revokes the token on the server, not only in this tab", async (t) => {
  const guest = await createGuest();
  const context = await newPerson(browser);
  const { page, problems } = await openPage(context, app.url);
  await logInThroughUi(page, guest.email, PASSWORD);
  const token = await page.evaluate(() => JSON.parse(localStorage.getItem("nexus.session") ?? "{}").token as string);
  const http = apiClient(app.url);
  t.is((await http.get("/api/v1/me", { authorization: `Bearer ${token}` })).status, 200);
  const loggedOut = page.waitForResponse((res) => res.url().endsWith("/api/v1/auth/logout"));
  await page.getByTestId("logout").click();
  t.is((await loggedOut).status(), 204);
  await page.getByRole("heading", { name: "Log in to Nexus" }).waitFor();
  t.is(await page.evaluate(() => localStorage.getItem("nexus.session")), null);
  t.is((await http.get("/api/v1/me", { authorization: `Bearer ${token}` })).status, 401, "the token is revoked");
  t.deepEqual(problems, []);
  await context.close();
});
