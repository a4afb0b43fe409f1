import { createHash } from "node:crypto";
import ICAL from "ical.js";
import { nightsBetween, todayUtc } from "../bookings/stayInput.js";
import { BLOCK_HORIZON_DAYS } from "../listings/blocks.js";

/** One event occurrence of an imported feed, as the nights it takes on the listing's calendar. */
export interface FeedEvent {
  /** The UID, plus the RECURRENCE-ID of an occurrence of a recurring event (unique in the feed). */
  key: string;
  uid: string;
  checkIn: string;
  checkOut: string;
  sequence: number;
}

/** Occurrences of one recurring event expanded at most (a daily rule without end stops here). */
export const MAX_OCCURRENCES_PER_EVENT = 800;
/**
 * Occurrences of one rule walked at most, past ones included (a daily rule begun decades ago reaches
 * today in about 15,000 steps): what bounds the CPU a hostile rule can take.
 */
export const MAX_STEPS_PER_EVENT = 50_000;
/** Occurrences of a whole feed at most: a feed with more is refused (changes nothing), not cut. */
export const MAX_FEED_EVENTS = 5_000;

export class MalformedFeedError extends Error {
  override name = "MalformedFeedError";
}

type Time = InstanceType<typeof ICAL.Time>;
type Component = InstanceType<typeof ICAL.Component>;

const dateFormats = new Map<string, Intl.DateTimeFormat>();
/** The calendar date of instant `ms` in IANA zone `timeZone` (YYYY-MM-DD). */
function dateIn(ms: number, timeZone: string): string {
  let format = dateFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    dateFormats.set(timeZone, format);
  }
  return format.format(new Date(ms));
}

function isIanaZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** A TZID as an IANA name when it is one (also Mozilla's "/mozilla.org/…/Europe/Berlin" form), else null. */
function ianaOf(tzid: string | null): string | null {
  if (!tzid) return null;
  const candidates = [tzid, tzid.replace(/^\/[^/]+\/[^/]+\//, ""), tzid.replace(/^\//, "")];
  return candidates.find(isIanaZone) ?? null;
}

/** Offset of `timeZone` from UTC at instant `ms`, in ms. */
function offsetAt(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  }).formatToParts(new Date(ms));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(n("year"), n("month") - 1, n("day"), n("hour"), n("minute"), n("second")) - ms;
}

/** A wall-clock time in `timeZone` as an instant (the offset read twice, right across DST changes). */
function wallTimeToMs(t: Time, timeZone: string): number {
  const wall = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
  const first = wall - offsetAt(wall, timeZone);
  return wall - offsetAt(first, timeZone);
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");
const isoDate = (t: Time) => `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}`;

/**
 * The listing-local calendar date of a time: a DATE is that date; a UTC time, or one in a zone the
 * feed defines (VTIMEZONE, which ical.js applies), is converted; a TZID the feed does not define is
 * read as the IANA zone it names; a floating time (or an unknown zone name) is the listing's own
 * local time, as a host's calendar would show it.
 */
function localDate(t: Time, tzid: string | null, listingZone: string): string {
  if (t.isDate) return isoDate(t);
  const zone = t.zone;
  const defined = zone && zone.tzid !== "floating" && (zone.tzid === "UTC" || zone.component);
  if (defined) return dateIn(t.toUnixTime() * 1000, listingZone);
  const iana = ianaOf(tzid);
  return dateIn(wallTimeToMs(t, iana ?? listingZone), listingZone);
}

const addDays = (date: string, days: number) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

/**
 * The nights one occurrence takes: an all-day event its dates [start, end) (no DTEND: one day); a
 * timed event every night from its start's local date to its end's (a guest checking out at 11:00 on
 * the 12th took the night of the 11th, not the 12th), and at least the night of its start (a timed
 * event inside one day still says the host is busy that day). Null for none.
 */
function nightsOf(start: Time, end: Time | null, tzid: string | null, listingZone: string) {
  const checkIn = localDate(start, tzid, listingZone);
  let checkOut = end ? localDate(end, tzid, listingZone) : checkIn;
  if (checkOut <= checkIn) checkOut = addDays(checkIn, 1);
  return { checkIn, checkOut };
}

function tzidOf(vevent: Component): string | null {
  const tzid = vevent.getFirstProperty("dtstart")?.getParameter("tzid");
  return typeof tzid === "string" ? tzid : null;
}

/** A UID as we key it: as given, or its hash when it is too long to store (a key column is 1,100 characters). */
function uidOf(raw: string): string {
  return raw.length <= 900 ? raw : `sha256:${createHash("sha256").update(raw).digest("hex")}`;
}

const statusOf = (c: Component) => String(c.getFirstPropertyValue("status") ?? "").toUpperCase();
const transpOf = (c: Component) => String(c.getFirstPropertyValue("transp") ?? "").toUpperCase();
/** Cancelled events free their time; TRANSPARENT ones never took it (RFC 5545 3.8.2.7). */
const takesTime = (c: Component) => statusOf(c) !== "CANCELLED" && transpOf(c) !== "TRANSPARENT";

/**
 * Reads an iCalendar feed (ical.js: RFC 5545 parsing, VTIMEZONE, RRULE/RDATE/EXDATE expansion,
 * RECURRENCE-ID overrides) into the nights its events take on a listing in `listingZone`, from today
 * on and at most BLOCK_HORIZON_DAYS ahead (a stay reaching past that is cut there). Only dates and
 * identities are read: SUMMARY and DESCRIPTION, where other channels put guests' names, are not.
 * Throws MalformedFeedError for anything that is not an iCalendar with a VCALENDAR.
 */
export function parseFeed(text: string, listingZone: string, now = new Date()): FeedEvent[] {
  let calendar: Component;
  try {
    const jcal = ICAL.parse(text);
    calendar = new ICAL.Component(Array.isArray(jcal[0]) ? jcal[0] : jcal);
  } catch (err) {
    throw new MalformedFeedError(`not an iCalendar: ${(err as Error).message.slice(0, 200)}`);
  }
  if (calendar.name !== "vcalendar") throw new MalformedFeedError("not an iCalendar: no VCALENDAR");
  const cancelAll = String(calendar.getFirstPropertyValue("method") ?? "").toUpperCase() === "CANCEL";
  const today = todayUtc(now);
  const horizon = addDays(today, BLOCK_HORIZON_DAYS);

  // Masters and their RECURRENCE-ID overrides, by UID.
  const byUid = new Map<string, { master: Component | null; overrides: Component[] }>();
  let anonymous = 0;
  for (const vevent of calendar.getAllSubcomponents("vevent")) {
    const uid = uidOf(String(vevent.getFirstPropertyValue("uid") ?? "").trim()) || `no-uid-${anonymous++}`;
    const entry = byUid.get(uid) ?? { master: null, overrides: [] };
    if (vevent.hasProperty("recurrence-id")) entry.overrides.push(vevent);
    else entry.master ??= vevent;
    byUid.set(uid, entry);
  }

  const events: FeedEvent[] = [];
  const keep = (event: FeedEvent) => {
    if (event.checkOut <= today || event.checkIn >= horizon) return;
    if (event.checkOut > horizon) event.checkOut = horizon;
    if (nightsBetween(event.checkIn, event.checkOut) < 1) return;
    events.push(event);
    if (events.length > MAX_FEED_EVENTS) throw new MalformedFeedError(`more than ${MAX_FEED_EVENTS} events`);
  };

  for (const [uid, { master, overrides }] of byUid) {
    if (cancelAll) continue;
    try {
      if (!master) {
        // Overrides of a series we were not given: each stands alone.
        for (const o of overrides) readSingle(uid, o, `|${o.getFirstPropertyValue("recurrence-id")}`);
        continue;
      }
      const event = new ICAL.Event(master, { strictExceptions: false });
      for (const o of overrides) event.relateException(o);
      if (!event.isRecurring()) {
        readSingle(uid, master, "");
        continue;
      }
      if (!takesTime(master)) continue;
      const tzid = tzidOf(master);
      const iterator = event.iterator();
      let kept = 0;
      for (
        let step = 0, next = iterator.next();
        next && step < MAX_STEPS_PER_EVENT && kept < MAX_OCCURRENCES_PER_EVENT;
        step++, next = iterator.next()
      ) {
        const details = event.getOccurrenceDetails(next);
        const nights = nightsOf(details.startDate, details.endDate, tzid, listingZone);
        if (nights.checkIn >= horizon) break;
        // Past occurrences are walked through, not counted: a weekly rule from 2015 still reaches today.
        if (nights.checkOut <= today || !takesTime(details.item.component)) continue;
        kept++;
        keep({
          key: `${uid}|${details.recurrenceId.toICALString()}`,
          uid,
          ...nights,
          sequence: details.item.sequence || 0,
        });
      }
    } catch (err) {
      if (err instanceof MalformedFeedError) throw err;
      throw new MalformedFeedError(`event ${uid.slice(0, 100)}: ${(err as Error).message.slice(0, 200)}`);
    }
  }
  events.sort((a, b) => (a.checkIn < b.checkIn ? -1 : a.checkIn > b.checkIn ? 1 : a.key < b.key ? -1 : 1));
  return events;

  function readSingle(uid: string, vevent: Component, suffix: string): void {
    if (!takesTime(vevent)) return;
    const event = new ICAL.Event(vevent);
    if (!event.startDate) throw new MalformedFeedError(`event ${uid.slice(0, 100)} has no DTSTART`);
    const ends = vevent.hasProperty("dtend") || vevent.hasProperty("duration");
    const nights = nightsOf(event.startDate, ends ? event.endDate : null, tzidOf(vevent), listingZone);
    keep({ key: `${uid}${suffix}`, uid, ...nights, sequence: event.sequence || 0 });
  }
}
