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
import { eventually } from "../helpers/eventually.js";
import { closeFactories, createGuest, createHost, createListing, day, PASSWORD } from "../helpers/factories.js";
import { apiClient } from "../helpers/http.js";

/**
 * The host's listing settings in a real browser: booking rules saved, nights blocked by clicking
 * the calendar (shown blocked, and blocked for guests), a guest's booking arriving live, a block
 * removed.
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

test.serial(
  "a host saves booking rules and blocks nights from the settings calendar; the calendar shows them live",
  async (t) => {
    const host = await createHost({ name: "Calendar Host" });
    const listing = await createListing(host, { title: "Blockable cabin" });
    const http = apiClient(app.url);
    const context = await newPerson(browser);
    const { page, problems } = await openPage(context, app.url);
    await logInThroughUi(page, host.email, PASSWORD);
    await page.getByRole("heading", { name: "Host dashboard" }).waitFor();
    await page
      .getByTestId("host-listing")
      .filter({ hasText: "Blockable cabin" })
      .getByTestId("listing-settings-open")
      .click();
    const settings = page.getByTestId("listing-settings");
    await settings.getByRole("heading", { name: "Settings · Blockable cabin" }).waitFor();

    // Booking rules: only what changed is sent.
    await page.getByTestId("setting-cancellationPolicy").selectOption("strict");
    await page.getByTestId("setting-minNights").fill("2");
    await page.getByTestId("setting-timeZone").fill("Africa/Addis_Ababa");
    await page.getByTestId("settings-save").click();
    await waitForText(page.getByTestId("settings-status"), /Saved/);
    const saved = (await http.get(`/api/v1/listings/${listing.id}`)).body.listing;
    t.like(saved, {
      cancellationPolicy: "strict",
      minNights: 2,
      timeZone: "Africa/Addis_Ababa",
      bookingMode: "instant",
    });

    // Click a check-in night, then the last night: day(2), day(3), day(4) → checkOut day(5).
    const night = (date: string) => page.locator(`[data-testid=calendar-grid] li[data-date="${date}"]`);
    await night(day(2)).getByRole("button").click();
    await night(day(4)).getByRole("button").click();
    await waitForText(page.getByTestId("block-selection"), /3 nights/);
    await page.getByTestId("block-note").fill("Painting the walls");
    await page.getByTestId("block-submit").click();
    await waitForText(page.getByTestId("host-blocks"), /Painting the walls/);
    for (const d of [2, 3, 4]) {
      await eventually(
        async () => /host-blocked/.test((await night(day(d)).getAttribute("class")) ?? ""),
        `night ${day(d)} shown blocked`,
      );
    }
    t.notRegex((await night(day(5)).getAttribute("class")) ?? "", /host-blocked|booked/, "checkOut day stays free");
    const blocks = (await http.get(`/api/v1/listings/${listing.id}/blocks`, host.auth)).body.blocks;
    t.like(blocks, [{ checkIn: day(2), checkOut: day(5), note: "Painting the walls" }]);
    const guest = await createGuest();
    const refused = await http.post(
      "/api/v1/bookings",
      { listingId: listing.id, checkIn: day(3), checkOut: day(6), guests: 1 },
      guest.auth,
    );
    t.is(refused.status, 409, "guests cannot book blocked nights");

    // A guest's booking elsewhere on the calendar arrives live (booked, not the host's block).
    const booked = await http.post(
      "/api/v1/bookings",
      { listingId: listing.id, checkIn: day(9), checkOut: day(11), guests: 1 },
      guest.auth,
    );
    t.is(booked.status, 201);
    await eventually(
      async () => /\bbooked\b/.test((await night(day(9)).getAttribute("class")) ?? ""),
      "the guest's booking shown live",
    );
    t.true(await night(day(9)).getByRole("button").isDisabled(), "a booked night cannot be selected");
    await screenshot(page, "host-calendar-blocked", settings);

    // The host's alert of that booking stays until dismissed (it sits over the page's lower right).
    await page.getByTestId("booking-alert").getByRole("button", { name: "Dismiss alert" }).click();
    // Remove frees the nights.
    await page.getByTestId("host-block").getByTestId("remove-block").click();
    await waitForText(page.getByTestId("host-blocks"), /No blocked nights/);
    await eventually(
      async () => !/host-blocked/.test((await night(day(3)).getAttribute("class")) ?? ""),
      "night freed on the calendar",
    );
    t.deepEqual((await http.get(`/api/v1/listings/${listing.id}/blocks`, host.auth)).body.blocks, []);
    t.deepEqual(problems, []);
    await context.close();
  },
);

test.serial(
  "on a phone-sized screen the settings calendar fits the width and nights can be picked to block",
  async (t) => {
    const host = await createHost();
    const listing = await createListing(host, { title: "Pocket flat" });
    const context = await newPerson(browser, PHONE);
    const { page, problems } = await openPage(context, app.url);
    await logInThroughUi(page, host.email, PASSWORD);
    await page
      .getByTestId("host-listing")
      .filter({ hasText: "Pocket flat" })
      .getByTestId("listing-settings-open")
      .click();
    const night = (date: string) => page.locator(`[data-testid=calendar-grid] li[data-date="${date}"]`);
    // The second page of the calendar: six weeks later.
    await page.getByTestId("calendar-later").click();
    await night(day(50)).getByRole("button").click();
    await night(day(50)).getByRole("button").click();
    await waitForText(page.getByTestId("block-selection"), /1 night/);
    await page.getByTestId("block-submit").click();
    await waitForText(page.getByTestId("host-blocks"), /1 night/);
    await screenshot(page, "host-calendar-phone", page.getByTestId("calendar-grid"));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    // What sticks out, named in the failure.
    const wide = await page.evaluate(() =>
      [...document.querySelectorAll("*")]
        .filter((e) => e.getBoundingClientRect().right + window.scrollX > window.innerWidth + 1)
        .slice(0, 8)
        .map((e) => `${e.tagName}.${e.className}[${e.getAttribute("data-testid") ?? ""}]`),
    );
    t.true(overflow <= 0, `the page scrolls sideways by ${overflow}px: ${wide.join(", ")}`);
    const blocks = (await apiClient(app.url).get(`/api/v1/listings/${listing.id}/blocks`, host.auth)).body.blocks;
    t.like(blocks, [{ checkIn: day(50), checkOut: day(51), nights: 1 }]);
    t.deepEqual(problems, []);
    await context.close();
  },
);
