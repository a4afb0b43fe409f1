import type { SearchFilters } from "./schemas.js";

/** [checkIn, checkOut) as YYYY-MM-DD. */
export interface Stay {
  checkIn: string;
  checkOut: string;
}

/**
 * What a committed change can do to search answers, and which cached answers it therefore ends
 * (searchCache.ts). Three kinds, from narrow to wide:
 * - `taken`: nights of a listing became unavailable (a hold, a request, a block, a lapsed hold paid).
 *   That can only REMOVE the listing from dated searches over any of those nights, so only the entries
 *   showing it for such a stay can be wrong: removing a listing that is not on a keyset page leaves the
 *   page as it was, and a listing still free over the searched nights stays in.
 * - `freed`: nights became available (cancel, decline, expiry, a block deleted). That can ADD the
 *   listing to dated searches over any of those nights in its city/country, shown or not.
 * - `listing`: the listing itself changed (created, edited, moved to another city, archived, rated):
 *   any search of its city or country, dated or not. A move is two changes, old place and new.
 */
export type SearchChange =
  | { kind: "taken"; listingId: string; nights: Stay }
  | { kind: "freed"; listingId: string; city: string; country: string; nights: Stay }
  | { kind: "listing"; listingId: string; city: string; country: string };

/**
 * A place in a tag, as the search SQL compares places: `lower(l.city) = ?` with the filter already
 * lower-cased by schemas.ts. So an answer's tag holds its filter as parsed, and a change's tag must hold
 * PostgreSQL's lower() of the listing's place — not JavaScript's, which differs ("İstanbul" is
 * "istanbul" to PostgreSQL, "i̇stanbul" to JS): changes reach changeTags() with their places lowered by
 * the database (execute() does it with the commit's WAL position, placesLowered()).
 * Encoded, as tags are stored space-separated.
 */
const place = (value: string) => encodeURIComponent(value);

/**
 * The scope of a search: its city, else its country, else everything. A search without a city depends
 * on every change of its country (or anywhere): a change bumps all three scopes of its place.
 * Any other filter (price, guests, text, map) only narrows a search within its scope.
 */
function scopeOf(f: Pick<SearchFilters, "city" | "country">): string {
  if (f.city !== undefined) return `ci=${place(f.city)}`;
  if (f.country !== undefined) return `co=${place(f.country)}`;
  return "*";
}
const scopesOfPlace = (city: string, country: string) => [`ci=${place(city)}`, `co=${place(country)}`, "*"];

/** Stays longer than this are tagged as one "long stay" per scope instead of night by night. */
const MAX_NIGHT_TAGS = 31;
/** Up to this many nights, an answer's listings are tagged night by night (`ln:`), else as a whole (`l:`). */
const MAX_LISTING_NIGHT_TAGS = 7;

/** Every night of [checkIn, checkOut) as YYYY-MM-DD, at most `max` + 1 of them (enough to tell it is longer). */
export function nightsOf(checkIn: string, checkOut: string, max = Number.POSITIVE_INFINITY): string[] {
  const nights: string[] = [];
  const end = Date.parse(`${checkOut}T00:00:00Z`);
  for (let t = Date.parse(`${checkIn}T00:00:00Z`); t < end && nights.length <= max; t += 86_400_000) {
    nights.push(new Date(t).toISOString().slice(0, 10));
  }
  return nights;
}

/** Tag every entry carries: bumping it ends every cached answer (tests that move the clock, a lost invalidation). */
export const EVERYTHING_TAG = "g";

/**
 * The tags of a cached answer: what it depends on. Its scope (listing changes); for a dated search also
 * each searched night in that scope (freed nights) and each listing it shows, night by night for a
 * short stay (taken nights).
 */
export function entryTags(filters: SearchFilters, shownListingIds: string[]): string[] {
  const scope = scopeOf(filters);
  const tags = [EVERYTHING_TAG, `s:${scope}`];
  if (filters.checkIn && filters.checkOut) {
    const nights = nightsOf(filters.checkIn, filters.checkOut, MAX_NIGHT_TAGS);
    if (nights.length > MAX_NIGHT_TAGS) tags.push(`dl:${scope}`);
    else for (const night of nights) tags.push(`d:${scope}:${night}`);
    if (nights.length > MAX_LISTING_NIGHT_TAGS) for (const id of shownListingIds) tags.push(`l:${id}`);
    else for (const id of shownListingIds) for (const night of nights) tags.push(`ln:${id}:${night}`);
  }
  return tags;
}

/**
 * The tags a change bumps: every entry that may now be wrong carries at least one of them. Its city and
 * country must be as PostgreSQL's lower() gives them (see `place`).
 */
export function changeTags(change: SearchChange): string[] {
  switch (change.kind) {
    case "taken":
      return [
        `l:${change.listingId}`,
        ...nightsOf(change.nights.checkIn, change.nights.checkOut).map((night) => `ln:${change.listingId}:${night}`),
      ];
    case "listing":
      return scopesOfPlace(change.city, change.country).map((scope) => `s:${scope}`);
    case "freed": {
      const tags: string[] = [];
      const nights = nightsOf(change.nights.checkIn, change.nights.checkOut);
      for (const scope of scopesOfPlace(change.city, change.country)) {
        tags.push(`dl:${scope}`);
        for (const night of nights) tags.push(`d:${scope}:${night}`);
      }
      return tags;
    }
  }
}

/** The places a set of changes names, to be lowered by the database before changeTags(). */
export function placesOf(changes: readonly SearchChange[]): string[] {
  return [...new Set(changes.flatMap((c) => (c.kind === "taken" ? [] : [c.city, c.country])))];
}

/** The changes with their places replaced by their lowered forms (`lowered` maps each place of placesOf()). */
export function withPlacesLowered(changes: readonly SearchChange[], lowered: Map<string, string>): SearchChange[] {
  const lower = (value: string) => lowered.get(value) ?? value;
  return changes.map((c) => (c.kind === "taken" ? c : { ...c, city: lower(c.city), country: lower(c.country) }));
}

/** A listing's own change (created, edited, archived, rated), from its row or view. */
export const listingChanged = (listing: { id: string; city: string; country: string }): SearchChange => ({
  kind: "listing",
  listingId: listing.id,
  city: listing.city,
  country: listing.country,
});
