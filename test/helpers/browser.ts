import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { eventually } from "./eventually.js";

/** Debian's chromium; CI installs it (.ci/run). These tests never download a browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SCREENSHOT_DIR = "test-output/screenshots";

const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-quic",
  "--disable-sync",
];

/** Launches headless chromium, or fails loudly (never skips) when it is not installed. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}. Install Debian's package (apt-get install chromium) ` +
        "or set CHROMIUM_PATH; the browser tests do not download a browser.",
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS });
}

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 860 };

/** A fresh browser profile (its own localStorage), as one person's browser. */
export async function newPerson(browser: Browser, viewport = DESKTOP): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport, locale: "en-US", timezoneId: "UTC" });
  context.setDefaultTimeout(10_000);
  return context;
}

/**
 * Opens a page that records what went wrong inside it (uncaught errors, console errors), so a test can
 * assert the page stayed healthy. Resource errors the test expects can be filtered by the caller.
 */
export async function openPage(context: BrowserContext, url: string): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
  page.on("console", (msg) => {
    // Failed loads are reported below, with their URL.
    if (msg.type() === "error" && !msg.text().startsWith("Failed to load resource")) {
      problems.push(`console: ${msg.text()}`);
    }
  });
  page.on("response", (res) => {
    // Browsers ask any page for /favicon.ico (Chapa's checkout page has none): not a failure of ours.
    if (res.status() >= 400 && !res.url().endsWith("/favicon.ico")) {
      problems.push(`HTTP ${res.status()}: ${res.request().method()} ${res.url()}`);
    }
  });
  await page.goto(url);
  return { page, problems };
}

/**
 * Saves what the person sees (the viewport, animations settled) under test-output/screenshots/, after
 * scrolling `show` into view if given; returns the file's path.
 */
export async function screenshot(page: Page, name: string, show?: Locator): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  if (show) await show.first().scrollIntoViewIfNeeded();
  await page.screenshot({ path, animations: "disabled" });
  return path;
}

/** Logs in through the form, as a person would, and waits for the logged-in header. */
export async function logInThroughUi(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByTestId("current-user").waitFor();
}

/** Waits until the locator's text matches; resolves to the text, or rejects naming what was there. */
export async function waitForText(locator: Locator, pattern: RegExp, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  return eventually(
    async () => {
      const text =
        (await locator
          .first()
          .textContent({ timeout: Math.max(1, deadline - Date.now()) })
          .catch(() => null)) ?? "";
      return pattern.test(text) && text;
    },
    `text matching ${pattern}`,
    {
      timeoutMs,
      explain: () =>
        locator
          .first()
          .textContent({ timeout: 500 })
          .catch(() => null),
    },
  );
}
