import test from "ava";
import fc from "fast-check";
import type { SearchFilters } from "../shared/domain/listings/schemas.js";
import {
  changeTags,
  entryTags,
  nightsOf,
  placesOf,
  type SearchChange,
  withPlacesLowered,
} from "../shared/domain/listings/searchChanges.js";

/*
 * The search cache is only as fresh as its tags: whenever a change can alter a cached answer, the
 * change must bump at least one tag of that answer (searchChanges.ts). Checked here for every kind of
 * change against answers of every scope and stay length, including the coarse tags of long stays.
 */
const LISTINGS = ["a", "b", "c"].map((c) => `00000000-0000-4000-8000-00000000000${c}`);
const base = Date.parse("2031-03-01T00:00:00Z");
const date = (offset: number) => new Date(base + offset * 86_400_000).toISOString().slice(0, 10);
const stayArb = fc
  .tuple(fc.integer({ min: 0, max: 60 }), fc.oneof(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 25, max: 45 })))
  .map(([start, nights]) => ({ checkIn: date(start), checkOut: date(start + nights) }));
const placeArb = fc.record({
  city: fc.constantFrom("Addis Ababa", "addis ababa", "Bahir Dar", "Gondar City"),
  country: fc.constantFrom("Ethiopia", "ETHIOPIA", "Kenya"),
});

const entryArb = fc.record({
  city: fc.option(
    placeArb.map((p) => p.city.toLowerCase()),
    { nil: undefined },
  ),
  country: fc.option(
    placeArb.map((p) => p.country.toLowerCase()),
    { nil: undefined },
  ),
  stay: fc.option(stayArb, { nil: undefined }),
  shown: fc.subarray(LISTINGS),
});
const changeArb: fc.Arbitrary<SearchChange> = fc.oneof(
  fc.record({ kind: fc.constant("taken" as const), listingId: fc.constantFrom(...LISTINGS), nights: stayArb }),
  fc
    .record({ listingId: fc.constantFrom(...LISTINGS), place: placeArb, nights: stayArb })
    .map(({ listingId, place, nights }) => ({ kind: "freed" as const, listingId, ...place, nights })),
  fc
    .record({ listingId: fc.constantFrom(...LISTINGS), place: placeArb })
    .map(({ listingId, place }) => ({ kind: "listing" as const, listingId, ...place })),
);

const overlaps = (a: { checkIn: string; checkOut: string }, b: { checkIn: string; checkOut: string }) =>
  a.checkIn < b.checkOut && b.checkIn < a.checkOut;
const inScope = (entry: { city?: string; country?: string }, place: { city: string; country: string }) =>
  (entry.city === undefined || entry.city === place.city.toLowerCase()) &&
  (entry.country === undefined || entry.country === place.country.toLowerCase());

interface EntryCase {
  city?: string;
  country?: string;
  stay?: { checkIn: string; checkOut: string };
  shown: string[];
}

/** Whether `change` can alter an answer of `entry` (the rules of search, stated plainly). */
function canAffect(entry: EntryCase, change: SearchChange): boolean {
  switch (change.kind) {
    case "taken": // removes the listing from dated answers over those nights, if they show it
      return !!entry.stay && entry.shown.includes(change.listingId) && overlaps(entry.stay, change.nights);
    case "freed": // may add the listing to dated answers over those nights in its place
      return !!entry.stay && inScope(entry, change) && overlaps(entry.stay, change.nights);
    case "listing": // may change any answer of its place
      return inScope(entry, change);
  }
}

test("every change that can alter a cached answer bumps one of its tags", (t) => {
  fc.assert(
    fc.property(entryArb, changeArb, (entry, change) => {
      const filters = { city: entry.city, country: entry.country, ...entry.stay, limit: 20 } as SearchFilters;
      const tags = new Set(entryTags(filters, entry.shown));
      // As execute() hands them over: places lowered (by PostgreSQL; these are ASCII).
      const lowered = withPlacesLowered([change], new Map(placesOf([change]).map((p) => [p, p.toLowerCase()])));
      const hit = changeTags(lowered[0]).some((tag) => tags.has(tag));
      if (canAffect(entry, change)) return hit;
      return true;
    }),
    { numRuns: 5000 },
  );
  t.pass();
});

test("a booking of a shown listing on other nights leaves a short stay's answer alone; any city's change leaves other cities'", (t) => {
  const stay = { checkIn: date(10), checkOut: date(13) };
  const filters = { city: "bahir dar", ...stay, limit: 20 } as SearchFilters;
  const tags = new Set(entryTags(filters, [LISTINGS[0]]));
  const bumps = (change: SearchChange) => changeTags(change).some((tag) => tags.has(tag));
  t.false(bumps({ kind: "taken", listingId: LISTINGS[0], nights: { checkIn: date(13), checkOut: date(15) } }));
  t.true(bumps({ kind: "taken", listingId: LISTINGS[0], nights: { checkIn: date(12), checkOut: date(15) } }));
  t.false(bumps({ kind: "taken", listingId: LISTINGS[1], nights: stay }), "a listing the answer does not show");
  const elsewhere = { listingId: LISTINGS[1], city: "gondar city", country: "ethiopia" };
  t.false(bumps({ kind: "freed", ...elsewhere, nights: stay }));
  t.false(bumps({ kind: "listing", ...elsewhere }));
  t.true(bumps({ kind: "listing", ...elsewhere, city: "bahir dar" }), "its own city's answers");
});

test("nightsOf lists each night of a stay, across months and leap days", (t) => {
  t.deepEqual(nightsOf("2032-02-28", "2032-03-02"), ["2032-02-28", "2032-02-29", "2032-03-01"]);
  t.deepEqual(nightsOf("2031-12-31", "2032-01-01"), ["2031-12-31"]);
  t.deepEqual(nightsOf("2031-01-01", "2031-01-01"), []);
});
