import Bowser from "bowser";

/** The device of a login as the alerts compare it: browser and OS families, no versions. */
export interface Device {
  browser: string | null;
  os: string | null;
}

/** Parses a User-Agent with bowser (MIT, maintained); an empty or unreadable one is all nulls. */
export function parseDevice(userAgent: string | null | undefined): Device {
  if (!userAgent?.trim()) return { browser: null, os: null };
  try {
    const parsed = Bowser.parse(userAgent);
    return { browser: parsed.browser.name?.trim() || null, os: parsed.os.name?.trim() || null };
  } catch {
    return { browser: null, os: null };
  }
}

/** "Firefox on Linux", for emails and the page. */
export function describeDevice(device: Device): string {
  if (!device.browser && !device.os) return "an unknown device";
  return `${device.browser ?? "an unknown browser"} on ${device.os ?? "an unknown system"}`;
}
