import "../helpers/env.js";
import "../helpers/platformFees.js";

import test from "ava";
import type { Browser } from "playwright-core";
import sharp from "sharp";
import { type RunningApp, startApp } from "../helpers/app.js";
import { launchBrowser, logInThroughUi, newPerson, openPage, screenshot, waitForText } from "../helpers/browser.js";
import { eventually } from "../helpers/eventually.js";
import { closeFactories, createGuest, createHost, createListing, day, PASSWORD } from "../helpers/factories.js";
import { apiClient } from "../helpers/http.js";

/**
 * Prices and photos in a real browser: the host sets price rules and uploads and orders photos from
 * the listing's settings; a guest sees the gallery and the itemised quote change with the guests,
 * books at exactly that total, and search shows the cover photo and the stay's total.
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

/** A photo-like JPEG: a sky, a lake and a shore, in a colour of its own. */
async function scene(hue: string): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="800">
    <rect width="1200" height="800" fill="#9cc9ef"/><circle cx="950" cy="170" r="90" fill="#ffd75e"/>
    <rect y="430" width="1200" height="370" fill="${hue}"/><path d="M0 520 Q600 420 1200 560 V800 H0 Z" fill="#6b8e4e"/></svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 85 }).toBuffer();
}

const cents = (text: string) => Number(text.replace(/[^\d]/g, ""));

test.serial(
  "a host prices a listing and adds photos; a guest sees the gallery and the breakdown and books at that total",
  async (t) => {
    const host = await createHost({ name: "Lake Host" });
    const city = `Bahir Dar ${Date.now() % 100000}`;
    const listing = await createListing(host, { title: "Stone house by the lake", city, pricePerNight: 10_000 });
    const http = apiClient(app.url);

    // The host: price rules, then two photos, the second moved first.
    const hostContext = await newPerson(browser);
    const { page: hostPage, problems: hostProblems } = await openPage(hostContext, app.url);
    await logInThroughUi(hostPage, host.email, PASSWORD);
    await hostPage
      .getByTestId("host-listing")
      .filter({ hasText: "Stone house by the lake" })
      .getByTestId("listing-settings-open")
      .click();
    await hostPage.getByTestId("price-weekendPrice").fill("150.00");
    await hostPage.getByTestId("price-cleaningFee").fill("25.00");
    await hostPage.getByTestId("price-includedGuests").fill("2");
    await hostPage.getByTestId("price-extraGuestFee").fill("10.00");
    await hostPage.getByTestId("price-weeklyDiscountPercent").fill("10");
    await hostPage.getByTestId("price-save").click();
    await waitForText(hostPage.getByTestId("price-status"), /Prices saved/);
    const priced = (await http.get(`/api/v1/listings/${listing.id}`)).body.listing;
    t.like(priced.pricing, {
      weekendPrice: 15_000,
      cleaningFee: 2_500,
      includedGuests: 2,
      extraGuestFee: 1_000,
      weeklyDiscountPercent: 10,
    });

    for (const [i, hue] of ["#2f6f9f", "#3d8f8a"].entries()) {
      await hostPage
        .getByTestId("photo-file")
        .setInputFiles({ name: "lake.jpg", mimeType: "image/jpeg", buffer: await scene(hue) });
      await hostPage.getByTestId("photo-upload").click();
      await eventually(
        async () => {
          const failed = hostPage.getByTestId("photo-error");
          if (await failed.count()) throw new Error(`upload refused: ${await failed.textContent()}`);
          return (await hostPage.getByTestId("photo-item").count()) === i + 1;
        },
        `photo ${i + 1} listed`,
      );
    }
    const second = await hostPage.getByTestId("photo-item").nth(1).getAttribute("data-photo-id");
    await hostPage.getByTestId("photo-item").nth(1).getByRole("button", { name: "Move left" }).click();
    await eventually(
      async () => (await hostPage.getByTestId("photo-item").first().getAttribute("data-photo-id")) === second,
      "the second photo moved first",
    );
    await screenshot(hostPage, "pricing-host-settings", hostPage.getByTestId("photo-list"));
    t.deepEqual(hostProblems, []);
    await hostContext.close();

    // The guest: the listing page with a gallery and the itemised quote, changing with the guests.
    const guest = await createGuest();
    const context = await newPerson(browser);
    const { page, problems } = await openPage(context, app.url);
    await logInThroughUi(page, guest.email, PASSWORD);
    const stay = { checkIn: day(30), checkOut: day(38) };
    await page.goto(`${app.url}/#/listing/${listing.id}?checkIn=${stay.checkIn}&checkOut=${stay.checkOut}&guests=2`);
    const gallery = page.getByTestId("gallery");
    await gallery.waitFor();
    await eventually(
      async () =>
        (await page
          .getByTestId("gallery-main")
          .evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)) === true,
      "the gallery's photo loaded",
    );
    t.true((await page.getByTestId("gallery-main").getAttribute("src"))?.includes(second!));
    const quoted = async (guests: number) =>
      (
        await http.get(
          `/api/v1/listings/${listing.id}/quote?checkIn=${stay.checkIn}&checkOut=${stay.checkOut}&guests=${guests}`,
        )
      ).body;
    const two = await quoted(2);
    await eventually(
      async () => cents((await page.getByTestId("quote-total").textContent()) ?? "") === two.total,
      "the quote for 2 guests",
    );
    t.is(await page.getByTestId("quote-lines").locator("tbody tr").count(), two.lines.length);
    await page.getByTestId("book-guests").fill("4");
    const four = await quoted(4);
    await eventually(
      async () => cents((await page.getByTestId("quote-total").textContent()) ?? "") === four.total,
      "the quote for 4 guests",
    );
    await waitForText(page.getByTestId("quote-lines"), /extra guest/);
    await waitForText(page.getByTestId("quote-lines"), /Weekly discount/);
    await screenshot(page, "pricing-listing-quote", page.getByTestId("quote"));

    const created = page.waitForResponse(
      (r) => r.url().endsWith("/api/v1/bookings") && r.request().method() === "POST",
    );
    await page.getByTestId("book-submit").click();
    const response = await created;
    t.is(response.status(), 201, await response.text());
    t.truthy(JSON.parse(response.request().postData() ?? "{}").quoteToken, "the booking presents the quote's token");
    const trips = (await http.get("/api/v1/bookings", guest.auth)).body.data;
    t.is(trips[0].totalPrice, four.total);
    t.deepEqual(trips[0].priceLines, four.lines);

    // Search with the dates: the cover photo (the one moved first) and the stay's total.
    await page.goto(
      `${app.url}/#/search?city=${encodeURIComponent(city)}&checkIn=${day(50)}&checkOut=${day(53)}&guests=1`,
    );
    const card = page.getByTestId("listing-card").first();
    await card.waitFor();
    const searchQuote = (
      await http.get(`/api/v1/listings/${listing.id}/quote?checkIn=${day(50)}&checkOut=${day(53)}&guests=1`)
    ).body;
    t.is(cents((await card.getByTestId("stay-total").textContent()) ?? ""), searchQuote.total);
    t.true((await card.locator("img.listing-cover").getAttribute("src"))?.includes(second!));
    await screenshot(page, "pricing-search-results", card);
    t.deepEqual(problems, []);
    await context.close();
  },
);
