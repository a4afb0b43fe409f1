import "../helpers/env.js";
import "../helpers/loopbackFeeds.js";

import test from "ava";
import type { Browser } from "playwright-core";
import { type RunningApp, startApp } from "../helpers/app.js";
import { launchBrowser, logInThroughUi, newPerson, openPage, screenshot, waitForText } from "../helpers/browser.js";
import { eventually } from "../helpers/eventually.js";
import {
  closeFactories,
  createBooking,
  createGuest,
  createHost,
  createListing,
  day,
  PASSWORD,
} from "../helpers/factories.js";
import { FeedServer, fixtureFeed } from "../helpers/feedServer.js";
import { apiClient } from "../helpers/http.js";
import { type Spawned, spawnEntry } from "../helpers/processes.js";

/**
 * The listing's calendar sync in a real browser (issue 21 point 4): the export URL and its rotation,
 * a feed imported through the form and synced by the real worker, its status, its nights shown apart
 * from bookings and the host's blocks, and a conflict with a reservation.
 */
let app: RunningApp;
let browser: Browser;
let worker: Spawned;
let feeds: FeedServer;

test.serial.before(async () => {
  feeds = await FeedServer.start();
  worker = spawnEntry("worker/main.ts", {
    ICAL_ALLOW_LOOPBACK: "true",
    CRON_SYNC_CALENDARS_EVERY: "0.3 seconds",
    JOB_PROCESS_EVERY_MS: "100",
  });
  await worker.waitFor(/worker started/);
  app = await startApp();
  browser = await launchBrowser();
});
test.after.always(async () => {
  await browser?.close();
  await worker?.stop("SIGKILL");
  await app?.close();
  await feeds?.close();
  await closeFactories();
});

test.serial(
  "a host imports another channel's calendar from the settings page and sees its status, its nights and a conflict",
  async (t) => {
    const host = await createHost({ name: "Sync Host" });
    const listing = await createListing(host, { title: "Two-channel flat" });
    await createBooking(listing, await createGuest(), { checkIn: day(11), checkOut: day(12) });
    const http = apiClient(app.url);
    const context = await newPerson(browser);
    const { page, problems } = await openPage(context, app.url);
    await logInThroughUi(page, host.email, PASSWORD);
    await page.getByRole("heading", { name: "Host dashboard" }).waitFor();
    await page
      .getByTestId("host-listing")
      .filter({ hasText: "Two-channel flat" })
      .getByTestId("listing-settings-open")
      .click();
    const sync = page.getByTestId("calendar-sync");
    await sync.getByRole("heading", { name: "Calendar sync" }).waitFor();

    const exportUrl = page.getByTestId("export-url");
    await eventually(
      async () => /\/ical\/[0-9a-f]{64}\.ics$/.test(await exportUrl.inputValue()),
      "the export URL shown",
    );
    const first = await exportUrl.inputValue();
    const api = (await http.get(`/api/v1/listings/${listing.id}/calendar`, host.auth)).body.calendar;
    t.is(first, api.exportUrl);

    const url = feeds.set(`/${listing.id}.ics`, { kind: "ics", body: fixtureFeed("airbnb") });
    await page.getByTestId("feed-name").fill("Airbnb");
    await page.getByTestId("feed-url").fill(url);
    await page.getByTestId("feed-add").click();
    await waitForText(page.getByTestId("sync-status"), /Calendar added/);
    await page.getByTestId("feed").filter({ hasText: "Airbnb" }).waitFor();

    // The status refreshes when the host syncs again: wait for the worker, then reload the panel.
    await eventually(
      async () => {
        const feed = (await http.get(`/api/v1/listings/${listing.id}/calendar`, host.auth)).body.calendar.feeds[0];
        return feed?.lastOutcome === "ok";
      },
      "the worker synced the feed",
      40_000,
    );
    await page.getByTestId("feed-sync").click();
    await waitForText(page.getByTestId("feed-status"), /synced.* · 2 events/);
    await waitForText(page.getByTestId("conflicts"), /Airbnb blocks .* already booked here/);
    await waitForText(page.getByTestId("imported-blocks"), /night/);
    const night = (date: string) => page.locator(`[data-testid=calendar-grid] li[data-date="${date}"]`);
    await eventually(
      async () => /feed-blocked/.test((await night(day(10)).getAttribute("class")) ?? ""),
      "an imported night shown apart",
    );
    const bookedClass = (await night(day(11)).getAttribute("class")) ?? "";
    t.regex(bookedClass, /booked/, "the reservation's night stays a booking");
    t.notRegex(bookedClass, /feed-blocked/);
    await screenshot(page, "calendar-sync", sync);

    await page.getByTestId("export-rotate").click();
    await waitForText(page.getByTestId("sync-status"), /New export URL/);
    const rotated = await exportUrl.inputValue();
    t.not(rotated, first);
    const oldToken = /\/ical\/(\w+)\.ics$/.exec(first)![1];
    t.is((await fetch(`${app.url}/ical/${oldToken}.ics`)).status, 404, "the old URL is revoked");
    t.deepEqual(problems, []);
    await context.close();
  },
);
