import "../helpers/env.js";

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
import { closeFactories, createGuest, createHost, createListing, day, db, PASSWORD } from "../helpers/factories.js";
import { apiClient } from "../helpers/http.js";
import { freePort, type Spawned, spawnEntry } from "../helpers/processes.js";

/**
 * Request to book in real browsers against a real web process: the guest requests on a listing in
 * request mode; the host, on two open pages, sees the request appear live, accepts it on one (the
 * other drops it live), and the guest's page shows it held for payment, live, without a reload.
 */
const processes: Spawned[] = [];
let baseUrl: string;
let browser: Browser;
const problems: string[][] = [];

test.before(async () => {
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  const web = spawnEntry("server/main.ts", { PORT: String(port), PUBLIC_URL: baseUrl });
  processes.push(web);
  await web.waitFor(/web listening/);
  browser = await launchBrowser();
});

test.after.always(async () => {
  await browser?.close();
  await Promise.all(processes.map((p) => p.stop()));
  await closeFactories();
});

async function open(context: BrowserContext, hash = ""): Promise<Page> {
  const opened = await openPage(context, `${baseUrl}/${hash}`);
  problems.push(opened.problems);
  return opened.page;
}

const markDocument = (page: Page) => page.evaluate(() => Object.assign(window, { sameDocument: true }));
const sameDocument = (page: Page) => page.evaluate(() => (window as { sameDocument?: boolean }).sameDocument === true);
const requestCard = (page: Page, id: string) => page.locator(`[data-testid="request-card"][data-booking-id="${id}"]`);
const statusOf = (page: Page, id: string) =>
  page.locator(`[data-testid="booking-card"][data-booking-id="${id}"]`).getByTestId("booking-status");

test("a guest requests to book; the host sees it live on every open page and accepts (then declines another, and the guest withdraws a third); pages follow live", async (t) => {
  const host = await createHost({ name: "Hiwot Host" });
  const guest = await createGuest({ name: "Genet Guest" });
  const listing = await createListing(host, { title: "Hillside retreat", city: "Bahir Dar", pricePerNight: 30_000 });
  await db().query("update listings set booking_mode = 'request' where id = $1", [listing.id]);
  const stay = { checkIn: day(25), checkOut: day(28) };

  const hostContext = await newPerson(browser, DESKTOP);
  const hostPage = await open(hostContext);
  await logInThroughUi(hostPage, host.email, PASSWORD);
  await hostPage.getByTestId("host-requests").getByText("No requests waiting for you.").waitFor();
  // A second open page of the host (same browser, another tab).
  const otherHostPage = await open(hostContext, "#/host");
  await otherHostPage.getByTestId("host-requests").getByText("No requests waiting for you.").waitFor();
  await markDocument(hostPage);
  await markDocument(otherHostPage);

  const guestContext = await newPerson(browser, PHONE);
  const guestPage = await open(guestContext);
  await logInThroughUi(guestPage, guest.email, PASSWORD);
  await guestPage.goto(`${baseUrl}/#/listing/${listing.id}`);
  await guestPage.getByRole("heading", { name: "Hillside retreat" }).waitFor();
  const submit = guestPage.getByTestId("book-submit");
  t.is((await submit.textContent())?.trim(), "Request to book", "the form says it is a request");
  await guestPage.getByTestId("book-check-in").fill(stay.checkIn);
  await guestPage.getByTestId("book-check-out").fill(stay.checkOut);
  const created = guestPage.waitForResponse(
    (r) => r.url() === `${baseUrl}/api/v1/bookings` && r.request().method() === "POST",
  );
  await submit.click();
  const response = await created;
  t.is(response.status(), 201, await response.text());
  const bookingId = ((await response.json()) as { booking: { id: string } }).booking.id;
  await waitForText(statusOf(guestPage, bookingId), /Awaiting host/);
  await screenshot(guestPage, "request-01-guest-requested");

  // Live on both of the host's pages.
  for (const page of [hostPage, otherHostPage]) {
    await waitForText(requestCard(page, bookingId).getByTestId("request-guest"), /Genet Guest/, 5_000);
  }
  await screenshot(hostPage, "request-02-host-sees-request");

  // "My trips" shows the request awaiting the host, then follows it live.
  await guestPage.goto(`${baseUrl}/#/trips`);
  await waitForText(statusOf(guestPage, bookingId), /Awaiting host/);
  await markDocument(guestPage);

  await requestCard(hostPage, bookingId).getByTestId("request-accept").click();
  await requestCard(hostPage, bookingId).waitFor({ state: "detached" });
  await requestCard(otherHostPage, bookingId).waitFor({ state: "detached", timeout: 5_000 });
  await screenshot(hostPage, "request-03-host-accepted");

  await waitForText(statusOf(guestPage, bookingId), /Held/, 5_000);
  await waitForText(guestPage.getByTestId("hold-countdown"), /Hold expires in 1[45]:\d\d/);
  t.true(await guestPage.getByTestId("pay-button").isVisible(), "the guest can pay now");
  t.true(await sameDocument(guestPage), "the guest's page was not reloaded");
  t.true(await sameDocument(hostPage), "the host's page was not reloaded");
  t.true(await sameDocument(otherHostPage), "the host's other page was not reloaded");
  await screenshot(guestPage, "request-04-guest-held");

  const { rows } = await db().query("select status from bookings where id = $1", [bookingId]);
  t.is(rows[0].status, "pending_payment");

  // A second request, declined: gone from both host pages, and "Declined" live in the guest's trips.
  const second = await apiClient(baseUrl).post(
    "/api/v1/bookings",
    { listingId: listing.id, checkIn: day(35), checkOut: day(37), guests: 1 },
    guest.auth,
  );
  t.is(second.status, 201, JSON.stringify(second.body));
  const secondId = second.body.booking.id as string;
  await requestCard(otherHostPage, secondId).waitFor({ timeout: 5_000 });
  await requestCard(hostPage, secondId).getByTestId("request-decline").click();
  await requestCard(otherHostPage, secondId).waitFor({ state: "detached", timeout: 5_000 });
  await waitForText(statusOf(guestPage, secondId), /Declined/, 5_000);
  t.true(await sameDocument(guestPage), "the guest's page was not reloaded");
  await screenshot(guestPage, "request-05-guest-declined");

  // A third request, withdrawn by the guest from "My trips": it leaves the host's pages live.
  const third = await apiClient(baseUrl).post(
    "/api/v1/bookings",
    { listingId: listing.id, checkIn: day(40), checkOut: day(42), guests: 1 },
    guest.auth,
  );
  t.is(third.status, 201, JSON.stringify(third.body));
  const thirdId = third.body.booking.id as string;
  await requestCard(hostPage, thirdId).waitFor({ timeout: 5_000 });
  await guestPage.reload();
  const thirdCard = guestPage.locator(`[data-testid="booking-card"][data-booking-id="${thirdId}"]`);
  await waitForText(thirdCard.getByTestId("booking-status"), /Awaiting host/);
  await thirdCard.getByTestId("cancel-button").click();
  await waitForText(thirdCard.locator(".confirm-text"), /Withdraw this request\?/);
  await thirdCard.getByTestId("cancel-confirm").click();
  await waitForText(thirdCard.getByTestId("booking-status"), /Cancelled/);
  await requestCard(hostPage, thirdId).waitFor({ state: "detached", timeout: 5_000 });
  t.deepEqual(problems.flat(), [], "no errors in the pages");
});
