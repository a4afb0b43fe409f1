import "./helpers/env.js";
import test from "ava";
import fc from "fast-check";
import { createBooking, createGuest, createHost, createListing, day, db } from "./helpers/factories.js";
import { hostileJsonValue } from "./helpers/hostileValues.js";
import { useApp } from "./helpers/useApp.js";

/*
 * The hostile-input suite's values (test/helpers/hostileValues.ts) in every variable of every
 * operation: no 5xx, no internal_error, no stack, a code on every error (GraphQL's extensions.code,
 * or API.md's shape when the HTTP layer refused the body first: too large, too deep), and nothing
 * stored for a refused mutation.
 */
const { app } = useApp();
const SEED = Number(process.env.FC_SEED ?? 1818);

const OPERATIONS: { document: string; variables: string[] }[] = [
  { document: "mutation($input: RegisterInput!) { register(input: $input) { token } }", variables: ["input"] },
  { document: "mutation($input: LoginInput!) { login(input: $input) { token } }", variables: ["input"] },
  { document: "mutation($input: CreateListingInput!) { createListing(input: $input) { id } }", variables: ["input"] },
  {
    document: "mutation($id: ID!, $input: UpdateListingInput!) { updateListing(id: $id, input: $input) { id } }",
    variables: ["id", "input"],
  },
  {
    document:
      "mutation($input: CreateBookingInput!, $k: String) { createBooking(input: $input, idempotencyKey: $k) { id } }",
    variables: ["input", "k"],
  },
  {
    document: "mutation($id: ID!, $r: Int) { cancelBooking(id: $id, refundAmount: $r) { id } }",
    variables: ["id", "r"],
  },
  {
    document: "mutation($id: ID!, $b: String!) { postMessage(bookingId: $id, body: $b) { id } }",
    variables: ["id", "b"],
  },
  {
    document: "mutation($id: ID!, $input: ReviewInput!) { createReview(bookingId: $id, input: $input) { id } }",
    variables: ["id", "input"],
  },
  { document: "mutation($u: Int!) { markNotificationsRead(upTo: $u) { unread } }", variables: ["u"] },
  {
    document:
      "query($f: ListingFilter, $n: Int, $a: String) { listings(filter: $f, first: $n, after: $a) { edges { node { id } } } }",
    variables: ["f", "n", "a"],
  },
  {
    document:
      "query($id: ID!, $from: String, $to: String) { listing(id: $id) { availability(from: $from, to: $to) { checkIn } } }",
    variables: ["id", "from", "to"],
  },
  {
    document:
      "query($as: BookingRole, $n: Int, $a: String) { bookings(as: $as, first: $n, after: $a) { edges { node { id } } } }",
    variables: ["as", "n", "a"],
  },
  { document: "query($a: ID, $n: Int) { notifications(after: $a, first: $n) { unread } }", variables: ["a", "n"] },
];

const FIELDS: Record<string, string[]> = {
  input: [
    "email",
    "password",
    "name",
    "role",
    "title",
    "description",
    "city",
    "country",
    "pricePerNight",
    "currency",
    "maxGuests",
    "listingId",
    "checkIn",
    "checkOut",
    "guests",
    "rating",
    "comment",
    "latitude",
    "longitude",
  ],
  f: ["city", "minPrice", "checkIn", "checkOut", "lat", "lng", "bbox", "sort", "q"],
};

async function storedCounts(): Promise<string> {
  const { rows } = await db().query(
    "select (select count(*) from users) u, (select count(*) from listings) l, (select count(*) from bookings) b, (select count(*) from messages) m, (select count(*) from reviews) r",
  );
  return JSON.stringify(rows[0]);
}

test("hostile values in every GraphQL variable: a coded 4xx-style error, never a 5xx or a stack, nothing stored", async (t) => {
  const host = await createHost();
  const guest = await createGuest();
  const listing = await createListing(host);
  const booking = await createBooking(listing, guest, { checkIn: day(30), checkOut: day(32) });
  const good: Record<string, unknown> = {
    id: booking.id,
    input: { listingId: listing.id, checkIn: day(40), checkOut: day(41), guests: 1 },
  };
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...OPERATIONS),
      fc.nat(),
      hostileJsonValue,
      fc.boolean(),
      async (operation, pick, value, wholeVariable) => {
        runs++;
        const name = operation.variables[pick % operation.variables.length];
        const variables: Record<string, unknown> = Object.fromEntries(
          operation.variables.map((v) => [v, good[v] ?? null]),
        );
        if (wholeVariable || !FIELDS[name]) variables[name] = value;
        else
          variables[name] = {
            ...((variables[name] as object) ?? {}),
            [FIELDS[name][pick % FIELDS[name].length]]: value,
          };
        const before = operation.document.startsWith("mutation") ? await storedCounts() : null;
        const res = await fetch(`${app().url}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${guest.token}` },
          body: JSON.stringify({ query: operation.document, variables }),
        });
        const text = await res.text();
        const where = `${operation.document.slice(0, 50)} ${name}=${JSON.stringify(value)?.slice(0, 80)}: ${res.status} ${text.slice(0, 300)}`;
        if (res.status >= 500) throw new Error(`5xx: ${where}`);
        if (text.includes("    at ") || /\bselect\b.*\bfrom\b/i.test(text))
          throw new Error(`a stack or SQL leaked: ${where}`);
        const body = JSON.parse(text) as {
          errors?: { extensions?: { code?: string } }[];
          error?: { code?: string };
          data?: unknown;
        };
        const codes = body.error ? [body.error.code] : (body.errors ?? []).map((e) => e.extensions?.code);
        if (codes.some((code) => !code || code === "internal_error"))
          throw new Error(`uncoded or internal error: ${where}`);
        if (before && codes.length) {
          const after = await storedCounts();
          if (after !== before) throw new Error(`a refused mutation stored something (${before} → ${after}): ${where}`);
        }
      },
    ),
    { seed: SEED, numRuns: 250 },
  );
  t.is(runs >= 250, true);
});
