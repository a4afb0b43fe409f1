import "../helpers/env.js";

import { randomUUID } from "node:crypto";
import test from "ava";
import type { Browser, BrowserContext, Page } from "playwright-core";
import {
  DESKTOP,
  launchBrowser,
  logInThroughUi,
  newPerson,
  openPage,
  PHONE,
  screenshot,
  waitForText,
} from "../helpers/browser.js";
import { eventually } from "../helpers/eventually.js";
import {
  closeFactories,
  createGuest,
  createHost,
  createListing,
  day,
  PASSWORD,
  type TestUser,
} from "../helpers/factories.js";
import { apiClient } from "../helpers/http.js";
import { freePort, type Spawned, spawnEntry } from "../helpers/processes.js";

/**
 * The live page in a real browser against the real processes: web (serving the page, the API and the
 * sockets), worker (relay, refunds) and the Chapa sandbox (checkout page, signed webhooks). The host and
 * the guest each have their own browser profile; the guest's is phone-sized. The scenarios build on
 * each other (one booking's life), so they run in order.
 */
const processes: Spawned[] = [];
let web: Spawned;
let webPort: number;
let baseUrl: string;
let sandboxUrl: string;
let browser: Browser;
let host: TestUser;
let guest: TestUser;
let listingId: string;
let hostContext: BrowserContext;
let guestContext: BrowserContext;
let hostPage: Page;
let guestPage: Page;
let bookingId = "";
const problems: string[][] = [];
const stay = { checkIn: day(20), checkOut: day(23) };

/** A web process on `port`, as the Procfile runs it. */
function startWeb(port: number): Spawned {
  const spawned = spawnEntry("server/main.ts", {
    PORT: String(port),
    PUBLIC_URL: baseUrl,
    CHAPA_BASE_URL: `${sandboxUrl}/v1`,
  });
  processes.push(spawned);
  return spawned;
}

test.serial.before(async () => {
  webPort = await freePort();
  const sandboxPort = await freePort();
  baseUrl = `http://127.0.0.1:${webPort}`;
  sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  const sandbox = spawnEntry("scripts/chapaSandbox/main.ts", {
    CHAPA_SANDBOX_PORT: String(sandboxPort),
    CHAPA_SANDBOX_PUBLIC_URL: sandboxUrl,
    CHAPA_WEBHOOK_URL: `${baseUrl}/api/v1/webhooks/chapa`,
    CHAPA_SANDBOX_RETRY_INTERVAL_MS: "1000",
  });
  const worker = spawnEntry("worker/main.ts", { PUBLIC_URL: baseUrl, CHAPA_BASE_URL: `${sandboxUrl}/v1` });
  processes.push(sandbox, worker);
  web = startWeb(webPort);
  await Promise.all([
    sandbox.waitFor(/chapa sandbox listening/),
    web.waitFor(/web listening/),
    worker.waitFor(/worker started/),
  ]);
  browser = await launchBrowser();
  host = await createHost({ name: "Hana Host" });
  guest = await createGuest({ name: "Gedion Guest" });
  ({ id: listingId } = await createListing(host, {
    title: "Lakeside cabin",
    city: "Hawassa",
    pricePerNight: 25_000,
    maxGuests: 3,
  }));
});

test.after.always(async () => {
  await browser?.close();
  await Promise.all(processes.map((p) => p.stop()));
  await closeFactories();
});

async function open(context: BrowserContext): Promise<Page> {
  const opened = await openPage(context, baseUrl);
  problems.push(opened.problems);
  return opened.page;
}

/** Marks the document, to prove later that the page was updated in place, never reloaded. */
const markDocument = (page: Page) => page.evaluate(() => Object.assign(window, { sameDocument: true }));
const sameDocument = (page: Page) => page.evaluate(() => (window as { sameDocument?: boolean }).sameDocument === true);

const card = (page: Page, id: string) => page.locator(`[data-testid="booking-card"][data-booking-id="${id}"]`);
const statusOf = (page: Page, id: string) => card(page, id).getByTestId("booking-status");
const connection = (page: Page) => page.getByTestId("connection-status");

/** Waits until the bell's badge shows the unread count the API gives the user; returns that count. */
async function bellAgreesWithApi(page: Page, user: TestUser): Promise<number> {
  const api = apiClient(baseUrl);
  let unread = -1;
  let shown = "";
  await eventually(
    async () => {
      unread = (await api.get("/api/v1/notifications?limit=1", user.auth)).body?.unread ?? -1;
      shown = (await page.getByTestId("unread-count").textContent()) ?? "";
      return shown === String(unread);
    },
    "the bell to show the API's unread count",
    { timeoutMs: 10_000, intervalMs: 200, explain: () => ({ bell: shown, apiUnread: unread }) },
  );
  return unread;
}

test.serial("the guest books; the host's page shows the alert within a second, without a reload", async (t) => {
  hostContext = await newPerson(browser, DESKTOP);
  hostPage = await open(hostContext);
  await logInThroughUi(hostPage, host.email, PASSWORD);
  await waitForText(connection(hostPage), /Live/);
  await hostPage.getByTestId("host-listing").filter({ hasText: "Lakeside cabin" }).waitFor();
  await markDocument(hostPage);
  await screenshot(hostPage, "live-01-host-dashboard");

  guestContext = await newPerson(browser, PHONE);
  guestPage = await open(guestContext);
  await logInThroughUi(guestPage, guest.email, PASSWORD);
  await guestPage.getByTestId("search-city").fill("Hawassa");
  await guestPage.getByTestId("search-check-in").fill(stay.checkIn);
  await guestPage.getByTestId("search-check-out").fill(stay.checkOut);
  await guestPage.getByTestId("search-guests").fill("2");
  await guestPage.getByTestId("search-submit").click();
  const result = guestPage.getByTestId("listing-card").filter({ hasText: "Lakeside cabin" });
  await result.waitFor();
  await screenshot(guestPage, "live-02-guest-search");

  await result.getByRole("link", { name: "Lakeside cabin" }).click();
  await guestPage.getByRole("heading", { name: "Lakeside cabin" }).waitFor();
  await waitForText(connection(guestPage), /Live/);
  await waitForText(guestPage.getByTestId("blocked-dates"), /No nights booked/);
  t.is(await guestPage.getByTestId("book-check-in").inputValue(), stay.checkIn, "the search's dates carry over");
  await screenshot(guestPage, "live-03-guest-listing");

  const created = guestPage.waitForResponse(
    (r) => r.url() === `${baseUrl}/api/v1/bookings` && r.request().method() === "POST",
  );
  await guestPage.getByTestId("book-submit").click();
  const response = await created;
  t.is(response.status(), 201, await response.text());
  t.truthy(response.request().headers()["idempotency-key"], "the booking is sent with an Idempotency-Key");
  const answeredAt = Date.now();
  const alert = hostPage.getByTestId("booking-alert");
  await alert.waitFor({ timeout: 1_000 });
  t.true(Date.now() - answeredAt <= 1_000, "the host's alert shows within a second");
  bookingId = ((await response.json()) as { booking: { id: string } }).booking.id;
  t.regex((await alert.textContent()) ?? "", /Gedion Guest booked Lakeside cabin/);
  await waitForText(statusOf(hostPage, bookingId), /Held/, 2_000);
  t.true(await sameDocument(hostPage), "the host's page was not reloaded");
  await screenshot(hostPage, "live-04-host-new-booking-alert");

  // The guest's own calendar learns about the new hold from the listing's live feed (no refetch).
  await guestPage.locator(`[data-testid="blocked-range"][data-check-in="${stay.checkIn}"]`).waitFor({ timeout: 3_000 });
  await waitForText(statusOf(guestPage, bookingId), /Held/);
  t.regex((await guestPage.getByTestId("hold-countdown").textContent()) ?? "", /Hold expires in 1[45]:\d\d/);
  await screenshot(guestPage, "live-05-guest-held", card(guestPage, bookingId));
});

test.serial("the guest pays on Chapa's checkout page; both pages show the booking confirmed", async (t) => {
  t.truthy(bookingId, "needs the booking of the previous scenario");
  await guestPage.getByTestId("pay-button").click();
  await guestPage.waitForURL((url) => url.href.startsWith(`${sandboxUrl}/checkout/`));
  await guestPage.getByRole("button", { name: "Pay", exact: true }).waitFor();
  await screenshot(guestPage, "live-06-chapa-checkout");

  await guestPage.getByRole("button", { name: "Pay", exact: true }).click();
  await guestPage.waitForURL((url) => url.origin === baseUrl && url.hash.startsWith("#/trips"));
  t.notRegex(guestPage.url(), /payment=/, "the return's query is cleaned from the address bar");
  await waitForText(statusOf(guestPage, bookingId), /Confirmed/);
  t.is(await card(guestPage, bookingId).getByTestId("hold-countdown").count(), 0, "no countdown once confirmed");
  await screenshot(guestPage, "live-07-guest-confirmed");

  await waitForText(statusOf(hostPage, bookingId), /Confirmed/);
  await waitForText(
    hostPage.getByTestId("booking-update-alert"),
    /Gedion Guest's booking of Lakeside cabin is confirmed/,
  );
  t.true(await sameDocument(hostPage), "the host's page was not reloaded");
  await screenshot(hostPage, "live-08-host-confirmed");
});

test.serial(
  "with the host's page closed the guest cancels; reopened, it shows that and the unread count",
  async (t) => {
    t.truthy(bookingId, "needs the booking of the previous scenarios");
    await hostPage.close();

    await card(guestPage, bookingId).getByTestId("cancel-button").click();
    // The quote comes before the cancel acts: 20 days ahead, moderate, so everything comes back.
    await waitForText(card(guestPage, bookingId).getByTestId("cancel-quote"), /You will get back .*Moderate/);
    await card(guestPage, bookingId).getByTestId("cancel-confirm").click();
    await waitForText(statusOf(guestPage, bookingId), /Cancelled/);
    await screenshot(guestPage, "live-09-guest-cancelled");

    hostPage = await open(hostContext);
    await waitForText(connection(hostPage), /Live/);
    await waitForText(statusOf(hostPage, bookingId), /Cancelled/);
    // Replayed from the last event id this browser kept: what happened while the page was closed.
    await waitForText(
      hostPage.getByTestId("booking-update-alert"),
      /Gedion Guest's booking of Lakeside cabin was cancelled/,
    );
    // The stay was paid, so the worker refunds it through Chapa; the host's page hears that live too.
    await waitForText(card(hostPage, bookingId).getByTestId("payment-status"), /refunded/i, 15_000);

    // The bell shows the count the API gives.
    const unread = await bellAgreesWithApi(hostPage, host);
    t.true(unread >= 3, `the host has unread events (created, confirmed, cancelled…): ${unread}`);
    t.true(await hostPage.getByTestId("unread-count").isVisible());
    await screenshot(hostPage, "live-10-host-reopened");

    const api = apiClient(baseUrl);
    await hostPage.getByTestId("notifications-button").click();
    await waitForText(hostPage.getByTestId("notifications-panel"), /was cancelled/);
    await hostPage.getByTestId("unread-count").waitFor({ state: "hidden" });
    const after = await api.get("/api/v1/notifications?limit=1", host.auth);
    t.is(after.body?.unread, 0, "opening the bell marks them read");
    await screenshot(hostPage, "live-11-host-notifications");
    await hostPage.close();
  },
);

test.serial(
  "the web process restarts: the page shows reconnecting, then live, with what happened meanwhile",
  async (t) => {
    const second = await apiClient(baseUrl).post(
      "/api/v1/bookings",
      { listingId, checkIn: day(30), checkOut: day(32), guests: 1 },
      { ...guest.auth, "idempotency-key": randomUUID() },
    );
    t.is(second.status, 201, JSON.stringify(second.body));
    const secondId: string = second.body.booking.id;
    await guestPage.reload();
    await waitForText(statusOf(guestPage, secondId), /Held/);
    await waitForText(connection(guestPage), /Live/);
    await markDocument(guestPage);

    // A second instance on the same PostgreSQL and Redis, as behind nginx; then the guest's instance stops.
    const otherPort = await freePort();
    const other = startWeb(otherPort);
    await other.waitFor(/web listening/);
    await web.stop();
    await waitForText(connection(guestPage), /Reconnecting/);
    await screenshot(guestPage, "live-12-guest-reconnecting", card(guestPage, secondId));

    // While the guest's page is cut off, the host cancels the hold through the other instance.
    const cancelled = await apiClient(`http://127.0.0.1:${otherPort}`).post(
      `/api/v1/bookings/${secondId}/cancel`,
      {},
      host.auth,
    );
    t.is(cancelled.status, 200, JSON.stringify(cancelled.body));

    // The instance comes back at its address; the page resumes from the last event id it kept.
    web = startWeb(webPort);
    await web.waitFor(/web listening/);
    await waitForText(connection(guestPage), /Live/, 20_000);
    await waitForText(statusOf(guestPage, secondId), /Cancelled/);
    // Alerts come only from events: this one is the missed event itself, delivered on reconnect.
    await waitForText(guestPage.getByTestId("booking-update-alert"), /Your stay at Lakeside cabin was cancelled/);
    t.true(await sameDocument(guestPage), "updated in place, not by a reload");
    t.true((await bellAgreesWithApi(guestPage, guest)) >= 1, "the bell counted the missed event");
    await screenshot(guestPage, "live-13-guest-resumed", card(guestPage, secondId));
    await guestPage.close();

    // While the server was down the browser logs each failed WebSocket attempt: expected, and nothing else.
    const unexpected = problems.flat().filter((p) => !/WebSocket connection to .* failed/.test(p));
    t.deepEqual(unexpected, [], "no errors inside either page");
  },
);
