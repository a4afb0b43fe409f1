import "./helpers/env.js";
import test from "ava";
import { createBooking, createGuest, createHost, createListing, day, PASSWORD } from "./helpers/factories.js";
import { codesOf, graphqlClient } from "./helpers/graphql.js";
import { jpegWithExif, upload } from "./helpers/photos.js";
import { useApp } from "./helpers/useApp.js";

const { app, api } = useApp();
const gql = graphqlClient(() => app().url);

test("register, login and me over GraphQL: the same accounts and tokens as REST", async (t) => {
  const email = `gql-${Date.now()}@example.test`;
  const registered = await gql(
    `mutation($input: RegisterInput!) { register(input: $input) { token user { id email name role } } }`,
    { input: { email, password: "a much better password", name: "Ada", role: "host" } },
  );
  t.deepEqual(registered.errors, []);
  t.is(registered.data.register.user.role, "host");
  const me = await gql("{ me { id email } }", {}, registered.data.register.token);
  t.is(me.data.me.email, email);

  const login = await gql(`mutation($input: LoginInput!) { login(input: $input) { token user { id } } }`, {
    input: { email, password: "a much better password" },
  });
  t.is(login.data.login.user.id, registered.data.register.user.id);
  const wrong = await gql(`mutation($input: LoginInput!) { login(input: $input) { token } }`, {
    input: { email, password: "not it at all" },
  });
  t.deepEqual(codesOf(wrong), ["invalid_credentials"]);
  const taken = await gql(`mutation($input: RegisterInput!) { register(input: $input) { token } }`, {
    input: { email, password: "a much better password", name: "Ada" },
  });
  t.deepEqual(codesOf(taken), ["email_taken"]);
});

test("validation errors carry REST's code and details; no stack", async (t) => {
  const guest = await createGuest();
  const host = await createHost();
  const listing = await createListing(host);
  const bad = await gql(
    `mutation($input: CreateBookingInput!) { createBooking(input: $input) { id } }`,
    { input: { listingId: listing.id, checkIn: day(5), checkOut: day(3), guests: 1 } },
    guest.token,
  );
  t.deepEqual(codesOf(bad), ["validation_failed"]);
  t.deepEqual(
    bad.errors[0].extensions?.details?.map((d) => d.path),
    ["checkOut"],
  );
  t.false(JSON.stringify(bad).includes("stack"));
});

test("someone else's booking is null with not_found", async (t) => {
  const host = await createHost();
  const guest = await createGuest();
  const stranger = await createGuest();
  const listing = await createListing(host);
  const booking = await createBooking(listing, guest, { checkIn: day(10), checkOut: day(12) });
  const seen = await gql(
    `query($id: ID!) { booking(id: $id) { id status listing { id title } guest { name } } }`,
    { id: booking.id },
    guest.token,
  );
  t.deepEqual(seen.errors, []);
  t.is(seen.data.booking.listing.id, listing.id);
  const hidden = await gql(`query($id: ID!) { booking(id: $id) { id } }`, { id: booking.id }, stranger.token);
  t.is(hidden.data.booking, null);
  t.deepEqual(codesOf(hidden), ["not_found"]);
  const anonymous = await gql(`query($id: ID!) { booking(id: $id) { id } }`, { id: booking.id });
  t.deepEqual(codesOf(anonymous), ["unauthenticated"]);
  t.truthy(PASSWORD);
});

test("listings search with filters as a connection", async (t) => {
  const host = await createHost();
  const listing = await createListing(host, { city: `Searchville ${Date.now()}` });
  const found = await gql(
    `query($f: ListingFilter) { listings(filter: $f, first: 5) { edges { node { id title firstReview { id } } } pageInfo { hasNextPage endCursor } } }`,
    { f: { city: listing.city, checkIn: day(3), checkOut: day(5) } },
  );
  t.deepEqual(found.errors, []);
  t.true(found.data.listings.edges.some((e: { node: { id: string } }) => e.node.id === listing.id));
});

const CREATE_BOOKING = `mutation($input: CreateBookingInput!, $key: String) {
  createBooking(input: $input, idempotencyKey: $key) { id status totalPrice listing { id } }
}`;

test("50 guests racing through createBooking: one booking, 49 dates_unavailable", async (t) => {
  const host = await createHost();
  const listing = await createListing(host);
  const guests = await Promise.all(Array.from({ length: 50 }, () => createGuest()));
  const results = await Promise.all(
    guests.map((g, i) =>
      gql(
        CREATE_BOOKING,
        { input: { listingId: listing.id, checkIn: day(10 + (i % 3)), checkOut: day(13 + (i % 4)), guests: 1 } },
        g.token,
      ),
    ),
  );
  const won = results.filter((r) => r.errors.length === 0);
  t.is(won.length, 1);
  t.is(won[0].data.createBooking.status, "pending_payment");
  t.deepEqual(
    results.filter((r) => r.errors.length).map((r) => codesOf(r)[0]),
    Array(49).fill("dates_unavailable"),
  );
});

test("idempotencyKey behaves as the REST header: same input replays, other input is idempotency_conflict", async (t) => {
  const host = await createHost();
  const listing = await createListing(host);
  const guest = await createGuest();
  const input = { listingId: listing.id, checkIn: day(20), checkOut: day(22), guests: 2 };
  const first = await gql(CREATE_BOOKING, { input, key: "trip-1" }, guest.token);
  const again = await gql(CREATE_BOOKING, { input, key: "trip-1" }, guest.token);
  t.deepEqual(first.errors, []);
  t.is(again.data.createBooking.id, first.data.createBooking.id);
  const other = await gql(CREATE_BOOKING, { input: { ...input, guests: 3 }, key: "trip-1" }, guest.token);
  t.deepEqual(codesOf(other), ["idempotency_conflict"]);
  // The key is REST's too: the same body through POST /bookings with the header replays the same booking.
  const rest = await fetch(`${app().url}/api/v1/bookings`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${guest.token}`,
      "Idempotency-Key": "trip-1",
    },
    body: JSON.stringify(input),
  });
  t.is(((await rest.json()) as { booking: { id: string } }).booking.id, first.data.createBooking.id);
  t.is(rest.headers.get("idempotent-replayed"), "true");
  const badKey = await gql(CREATE_BOOKING, { input, key: "a\nb" }, guest.token);
  t.deepEqual(codesOf(badKey), ["validation_failed"]);
});

test("the authorization matrix is REST's: roles, owners, parties", async (t) => {
  const host = await createHost();
  const otherHost = await createHost();
  const guest = await createGuest();
  const listing = await createListing(host);
  const create = `mutation($input: CreateListingInput!) { createListing(input: $input) { id hostId status } }`;
  const input = {
    title: "Lake house",
    description: "Quiet",
    city: "Bahir Dar",
    country: "Ethiopia",
    pricePerNight: 9000,
    currency: "ETB",
    maxGuests: 3,
  };
  t.deepEqual(codesOf(await gql(create, { input }, guest.token)), ["forbidden"]);
  t.deepEqual(codesOf(await gql(create, { input })), ["unauthenticated"]);
  const made = await gql(create, { input }, host.token);
  t.is(made.data.createListing.hostId, host.id);
  const strict = await gql(create, { input: { ...input, pricePerNight: 0 } }, host.token);
  t.deepEqual(
    strict.errors[0].extensions?.details?.map((d) => d.path),
    ["pricePerNight"],
  );

  const update = `mutation($id: ID!, $input: UpdateListingInput!) { updateListing(id: $id, input: $input) { id title } }`;
  const foreign = await gql(update, { id: listing.id, input: { title: "Mine now" } }, otherHost.token);
  t.true(["forbidden", "not_found"].includes(codesOf(foreign)[0] as string));
  t.is(
    (await gql(update, { id: listing.id, input: { title: "Renamed" } }, host.token)).data.updateListing.title,
    "Renamed",
  );
  const archived = await gql(
    `mutation($id: ID!) { archiveListing(id: $id) { status } }`,
    { id: made.data.createListing.id },
    host.token,
  );
  t.is(archived.data.archiveListing.status, "archived");

  // A booking's conversation, cancel, notifications: only its parties.
  const booking = await gql(
    CREATE_BOOKING,
    { input: { listingId: listing.id, checkIn: day(30), checkOut: day(31), guests: 1 } },
    guest.token,
  );
  const bookingId = booking.data.createBooking.id;
  const post = `mutation($id: ID!, $body: String!) { postMessage(bookingId: $id, body: $body) { id body senderName } }`;
  t.is((await gql(post, { id: bookingId, body: "Hello" }, guest.token)).data.postMessage.body, "Hello");
  t.deepEqual(codesOf(await gql(post, { id: bookingId, body: "Hi" }, otherHost.token)), ["not_found"]);
  const withMessages = await gql(
    `query($id: ID!) { booking(id: $id) { messages { edges { node { body } } } payments { id } latestPayment { id } } }`,
    { id: bookingId },
    host.token,
  );
  t.deepEqual(
    withMessages.data.booking.messages.edges.map((e: { node: { body: string } }) => e.node.body),
    ["Hello"],
  );
  const cancelled = await gql(
    `mutation($id: ID!) { cancelBooking(id: $id) { status cancelledBy } }`,
    { id: bookingId },
    guest.token,
  );
  t.deepEqual(cancelled.data.cancelBooking, { status: "cancelled", cancelledBy: "guest" });
  const again = await gql(`mutation($id: ID!) { cancelBooking(id: $id) { status } }`, { id: bookingId }, guest.token);
  t.deepEqual(codesOf(again), ["invalid_transition"]);

  const notifications = await gql(
    `{ notifications(first: 50) { unread edges { cursor node { id type booking { id } } } } }`,
    {},
    host.token,
  );
  const types = notifications.data.notifications.edges.map((e: { node: { type: string } }) => e.node.type);
  t.true(types.includes("booking.created"));
  const last = notifications.data.notifications.edges.at(-1).cursor;
  const read = await gql(
    `mutation($upTo: Int!) { markNotificationsRead(upTo: $upTo) { readUpTo unread } }`,
    { upTo: Number(last) },
    host.token,
  );
  t.is(read.data.markNotificationsRead.unread, 0);

  const reviewed = await gql(
    `mutation($id: ID!) { createReview(bookingId: $id, input: { rating: 5, comment: "Great" }) { id } }`,
    { id: bookingId },
    guest.token,
  );
  t.true(codesOf(reviewed)[0] !== undefined && codesOf(reviewed)[0] !== "internal_error");
  const listed = await gql(
    `query($id: ID!) { listing(id: $id) { id availability(from: null) { checkIn } reviews { edges { node { id } } } } }`,
    { id: listing.id },
  );
  t.deepEqual(listed.errors, []);
  t.deepEqual(codesOf(await gql(`{ listing(id: "nope") { id } }`)), ["not_found"]);
});

test("hostile variables get 4xx-style codes, never internal_error", async (t) => {
  const guest = await createGuest();
  const values: unknown[] = [
    "",
    "\u0000",
    "\ud800",
    "x".repeat(10_000),
    -1,
    1e308,
    true,
    [],
    {},
    { __proto__: { a: 1 } },
    "2026-02-30",
    "../../etc",
  ];
  for (const value of values) {
    for (const [document, variables] of [
      [CREATE_BOOKING, { input: { listingId: value, checkIn: value, checkOut: value, guests: value } }],
      [
        `query($f: ListingFilter) { listings(filter: $f) { edges { node { id } } } }`,
        { f: { city: value, minPrice: value, checkIn: value, checkOut: day(3) } },
      ],
      [`query($id: ID!) { booking(id: $id) { id } }`, { id: value }],
      [`subscription($a: ID) { myEvents(after: $a) { id } }`, { a: value }],
    ] as const) {
      const r = await gql(document, variables as Record<string, unknown>, guest.token);
      t.false(
        codesOf(r).includes("internal_error"),
        `${document.slice(0, 40)} with ${JSON.stringify(value)}: ${JSON.stringify(r.errors)}`,
      );
      t.true(r.errors.length > 0 || r.data !== null);
      t.false(JSON.stringify(r).includes("    at "), "no stack");
    }
  }
});

test("GraphiQL is served from local assets (no CDN) outside production", async (t) => {
  const res = await fetch(`${app().url}/graphql`, { headers: { accept: "text/html" } });
  t.is(res.status, 200);
  const html = await res.text();
  t.true(html.includes("YogaGraphiQL"));
  t.false(
    /<script[^>]+src=["']https?:/i.test(html) || /<link[^>]+href=["']https?:/i.test(html),
    "no remote script or stylesheet",
  );
  t.true((res.headers.get("content-security-policy") ?? "").includes("default-src 'self'"));
});

test("a listing's price rules, photos and quote over GraphQL; a booking with the quoteToken keeps the quoted lines, as REST", async (t) => {
  const host = await createHost();
  const guest = await createGuest();
  const listing = await createListing(host);
  const rules = { cleaningFee: 4_000, includedGuests: 1, extraGuestFee: 500, weekendPrice: null };
  t.is((await api.patch(`/api/v1/listings/${listing.id}`, { pricing: rules }, host.auth)).status, 200);
  const stay = { checkIn: day(20), checkOut: day(23), guests: 2 };
  const seen = await gql(
    `query($id: ID!, $checkIn: String!, $checkOut: String!, $guests: Int!) {
       listing(id: $id) {
         pricing { cleaningFee extraGuestFee includedGuests weekendPrice overrides { from } }
         photos { id small }
         quote(checkIn: $checkIn, checkOut: $checkOut, guests: $guests) { lines { kind amount nights } total currency quoteToken }
       }
     }`,
    { id: listing.id, ...stay },
  );
  t.deepEqual(seen.errors, []);
  const { pricing, photos, quote } = seen.data.listing;
  t.like(pricing, { cleaningFee: 4_000, extraGuestFee: 500, includedGuests: 1, weekendPrice: null, overrides: [] });
  t.deepEqual(photos, []);
  const rest = await api.get(
    `/api/v1/listings/${listing.id}/quote?checkIn=${stay.checkIn}&checkOut=${stay.checkOut}&guests=${stay.guests}`,
  );
  t.is(rest.status, 200);
  t.deepEqual(
    quote.lines,
    rest.body.lines.map((l: any) => ({ kind: l.kind, amount: l.amount, nights: l.nights ?? null })),
  );
  t.is(quote.total, rest.body.total);
  t.true(quote.lines.some((l: any) => l.kind === "cleaning_fee" && l.amount === 4_000));
  t.true(quote.lines.some((l: any) => l.kind === "extra_guests" && l.amount === 500 * 3));

  // The host raises the cleaning fee: the quoted booking keeps the quoted price.
  t.is(
    (await api.patch(`/api/v1/listings/${listing.id}`, { pricing: { ...rules, cleaningFee: 9_000 } }, host.auth))
      .status,
    200,
  );
  const booked = await gql(
    `mutation($input: CreateBookingInput!) { createBooking(input: $input) { id totalPrice priceLines { kind amount } } }`,
    { input: { listingId: listing.id, ...stay, quoteToken: quote.quoteToken } },
    guest.token,
  );
  t.deepEqual(booked.errors, []);
  t.is(booked.data.createBooking.totalPrice, quote.total);
  t.deepEqual(
    booked.data.createBooking.priceLines,
    quote.lines.map((l: any) => ({ kind: l.kind, amount: l.amount })),
  );
  const bad = await gql(
    `mutation($input: CreateBookingInput!) { createBooking(input: $input) { id } }`,
    { input: { listingId: listing.id, checkIn: day(30), checkOut: day(31), guests: 1, quoteToken: "forged.token" } },
    guest.token,
  );
  t.deepEqual(codesOf(bad), ["validation_failed"]);
  const badQuote = await gql(
    `query($id: ID!) { listing(id: $id) { quote(checkIn: "2020-01-01", checkOut: "2020-01-02", guests: 1) { total } } }`,
    {
      id: listing.id,
    },
  );
  t.deepEqual(codesOf(badQuote), ["validation_failed"]);
});

test("a host's calendar blocks, a cancellation quote and logout over GraphQL, with REST's rules", async (t) => {
  const host = await createHost();
  const guest = await createGuest();
  const stranger = await createHost();
  const listing = await createListing(host);
  const CREATE = `mutation($listingId: ID!, $input: BlockInput!) {
    createBlock(listingId: $listingId, input: $input) { id checkIn checkOut nights note source } }`;
  const made = await gql(
    CREATE,
    { listingId: listing.id, input: { checkIn: day(40), checkOut: day(43), note: "repairs" } },
    host.token,
  );
  t.deepEqual(made.errors, []);
  t.like(made.data.createBlock, { checkIn: day(40), checkOut: day(43), nights: 3, note: "repairs", source: "host" });
  const overlapping = await gql(
    CREATE,
    { listingId: listing.id, input: { checkIn: day(42), checkOut: day(44) } },
    host.token,
  );
  t.deepEqual(codesOf(overlapping), ["dates_unavailable"]);
  t.deepEqual(
    codesOf(
      await gql(CREATE, { listingId: listing.id, input: { checkIn: day(50), checkOut: day(51) } }, stranger.token),
    ),
    ["forbidden"],
  );
  const BLOCKS = `query($id: ID!) { listing(id: $id) { blocks { id nights } } }`;
  t.deepEqual((await gql(BLOCKS, { id: listing.id }, host.token)).data.listing.blocks, [
    { id: made.data.createBlock.id, nights: 3 },
  ]);
  t.deepEqual(codesOf(await gql(BLOCKS, { id: listing.id }, stranger.token)), ["forbidden"]);
  const booking = await gql(
    `mutation($input: CreateBookingInput!) { createBooking(input: $input) { id } }`,
    { input: { listingId: listing.id, checkIn: day(41), checkOut: day(42), guests: 1 } },
    guest.token,
  );
  t.deepEqual(codesOf(booking), ["dates_unavailable"]);
  const removed = await gql(
    `mutation($listingId: ID!, $blockId: ID!) { deleteBlock(listingId: $listingId, blockId: $blockId) }`,
    { listingId: listing.id, blockId: made.data.createBlock.id },
    host.token,
  );
  t.deepEqual(removed.data, { deleteBlock: true });
  t.deepEqual((await gql(BLOCKS, { id: listing.id }, host.token)).data.listing.blocks, []);

  // The freed nights book; the guest reads what cancelling would refund, as REST answers it.
  const held = await createBooking(listing, guest, { checkIn: day(41), checkOut: day(42) });
  const quoted = await gql(
    `query($id: ID!) { booking(id: $id) { cancellation { refundAmount currency rule { by policy refundPercent } } } }`,
    { id: held.id },
    guest.token,
  );
  t.deepEqual(quoted.errors, []);
  const rest = await api.get(`/api/v1/bookings/${held.id}/cancellation`, guest.auth);
  t.is(rest.status, 200);
  t.deepEqual(quoted.data.booking.cancellation, {
    refundAmount: rest.body.refund.amount,
    currency: rest.body.refund.currency,
    rule: { by: rest.body.rule.by, policy: rest.body.rule.policy, refundPercent: rest.body.rule.refundPercent },
  });

  // Logout revokes every token of the account, the one used included.
  t.deepEqual((await gql("mutation { logout }", {}, guest.token)).data, { logout: true });
  t.deepEqual(codesOf(await gql("{ me { id } }", {}, guest.token)), ["unauthenticated"]);
  t.is((await api.get("/api/v1/me", guest.auth)).status, 401);
});

test("a search-only query's answer is kept with its cached page and ends with it: a booking or a listing change shows at once", async (t) => {
  const host = await createHost();
  const guest = await createGuest();
  const city = `Keptville ${Date.now()}`;
  const booked = await createListing(host, { city, title: "Booked soon" });
  const renamed = await createListing(host, { city, title: "Old name" });
  const SEARCH = `query($f: ListingFilter) { listings(filter: $f, first: 10) {
    edges { cursor node { id title stayTotal photos { id } pricing { cleaningFee } } } pageInfo { hasNextPage } } }`;
  const filter = { f: { city, checkIn: day(60), checkOut: day(62) } };
  const titles = async () => {
    const found = await gql(SEARCH, filter);
    t.deepEqual(found.errors, []);
    return found.data.listings.edges.map((e: { node: { id: string; title: string } }) => e.node.title).sort();
  };
  t.deepEqual(await titles(), ["Booked soon", "Old name"]);
  t.deepEqual(await titles(), ["Booked soon", "Old name"], "asked again (the kept answer)");
  const again = await gql(SEARCH, filter);
  t.is(again.data.listings.edges[0].node.stayTotal, 20_000);

  const booking = await gql(
    CREATE_BOOKING,
    { input: { listingId: booked.id, checkIn: day(60), checkOut: day(61), guests: 1 } },
    guest.token,
  );
  t.deepEqual(booking.errors, []);
  t.deepEqual(await titles(), ["Old name"], "the booked listing left the answer at once");

  t.is((await api.patch(`/api/v1/listings/${renamed.id}`, { title: "New name" }, host.auth)).status, 200);
  t.deepEqual(await titles(), ["New name"], "the listing change shows at once");

  // Other variables, and a query reading more than the page (its host), are answered on their own.
  const otherDates = await gql(SEARCH, { f: { city, checkIn: day(70), checkOut: day(71) } });
  t.deepEqual(otherDates.data.listings.edges.map((e: { node: { title: string } }) => e.node.title).sort(), [
    "Booked soon",
    "New name",
  ]);
  const withHost = await gql(
    `query($f: ListingFilter) { listings(filter: $f) { edges { node { title host { name } } } } }`,
    filter,
  );
  t.deepEqual(withHost.errors, []);
  t.deepEqual(
    withHost.data.listings.edges.map((e: { node: { host: { name: string } } }) => e.node.host.name),
    [host.name],
  );
  const bad = await gql(SEARCH, { f: { city, checkIn: day(62), checkOut: day(60) } });
  t.deepEqual(codesOf(bad), ["validation_failed"]);
});

test("a host sets price rules and orders and deletes photos over GraphQL, with REST's rules and errors", async (t) => {
  const host = await createHost();
  const stranger = await createHost();
  const listing = await createListing(host);
  const UPDATE = `mutation($id: ID!, $input: UpdateListingInput!) {
    updateListing(id: $id, input: $input) { id pricing { cleaningFee weekendPrice overrides { from to pricePerNight label } } } }`;
  const rules = {
    cleaningFee: 3_000,
    weekendPrice: 15_000,
    overrides: [{ from: day(100), to: day(110), pricePerNight: 20_000, label: "High season" }],
  };
  const updated = await gql(UPDATE, { id: listing.id, input: { pricing: rules } }, host.token);
  t.deepEqual(updated.errors, []);
  t.deepEqual(updated.data.updateListing.pricing, rules);
  const rest = await api.get(`/api/v1/listings/${listing.id}`);
  t.like(rest.body.listing.pricing, { cleaningFee: 3_000, weekendPrice: 15_000 });
  const overlapping = await gql(
    UPDATE,
    {
      id: listing.id,
      input: {
        pricing: {
          overrides: [
            { from: day(100), to: day(105), pricePerNight: 1_000 },
            { from: day(102), to: day(107), pricePerNight: 2_000 },
          ],
        },
      },
    },
    host.token,
  );
  t.deepEqual(codesOf(overlapping), ["validation_failed"]);
  t.deepEqual(
    overlapping.errors[0].extensions?.details?.map((d) => d.path),
    ["pricing.overrides.1"],
  );
  t.deepEqual(codesOf(await gql(UPDATE, { id: listing.id, input: { pricing: {} } }, stranger.token)), ["forbidden"]);

  // Photos are uploaded over REST (multipart); ordering and deleting them is GraphQL's too.
  const ids: string[] = [];
  for (let i = 0; i < 2; i++) {
    const res = await upload(app().url, `/api/v1/listings/${listing.id}/photos`, {
      token: host.token,
      file: { body: await jpegWithExif(400, 300), name: `p${i}.jpg`, type: "image/jpeg" },
    });
    t.is(res.status, 201, JSON.stringify(res.body));
    ids.push(res.body.photo.id);
  }
  const REORDER = `mutation($id: ID!, $photoIds: [ID!]!) { reorderPhotos(listingId: $id, photoIds: $photoIds) { photos { id position } } }`;
  const reordered = await gql(REORDER, { id: listing.id, photoIds: [ids[1], ids[0]] }, host.token);
  t.deepEqual(reordered.errors, []);
  t.deepEqual(
    reordered.data.reorderPhotos.photos.map((p: { id: string }) => p.id),
    [ids[1], ids[0]],
  );
  t.deepEqual(codesOf(await gql(REORDER, { id: listing.id, photoIds: [ids[0]] }, host.token)), ["validation_failed"]);
  t.deepEqual(codesOf(await gql(REORDER, { id: listing.id, photoIds: [ids[0], ids[1]] }, stranger.token)), [
    "forbidden",
  ]);
  const DELETE = `mutation($id: ID!, $photoId: ID!) { deletePhoto(listingId: $id, photoId: $photoId) }`;
  t.deepEqual((await gql(DELETE, { id: listing.id, photoId: ids[1] }, host.token)).data, { deletePhoto: true });
  t.deepEqual(codesOf(await gql(DELETE, { id: listing.id, photoId: ids[1] }, host.token)), ["not_found"]);
  const left = await gql(`query($id: ID!) { listing(id: $id) { photos { id position } } }`, { id: listing.id });
  t.deepEqual(left.data.listing.photos, [{ id: ids[0], position: 0 }]);
});

test("a host's calendar sync over GraphQL: export URL, feeds added, synced and removed, with REST's rules", async (t) => {
  const host = await createHost();
  const stranger = await createHost();
  const listing = await createListing(host);
  const CALENDAR = `query($id: ID!) { listing(id: $id) { calendar { exportUrl feeds { id name url lastOutcome } conflicts { id } } } }`;
  const first = await gql(CALENDAR, { id: listing.id }, host.token);
  t.deepEqual(first.errors, []);
  const { exportUrl } = first.data.listing.calendar;
  t.regex(exportUrl, /\/ical\/[0-9a-f]{64}\.ics$/);
  t.deepEqual(first.data.listing.calendar.feeds, []);
  const rest = await api.get(`/api/v1/listings/${listing.id}/calendar`, host.auth);
  t.is(rest.body.calendar.exportUrl, exportUrl);
  t.deepEqual(codesOf(await gql(CALENDAR, { id: listing.id }, stranger.token)), ["forbidden"]);

  const ADD = `mutation($id: ID!, $input: CalendarFeedInput!) { addCalendarFeed(listingId: $id, input: $input) { id name url } }`;
  const added = await gql(
    ADD,
    { id: listing.id, input: { name: "Other channel", url: "https://calendar.example.com/stay.ics" } },
    host.token,
  );
  t.deepEqual(added.errors, []);
  t.like(added.data.addCalendarFeed, { name: "Other channel", url: "https://calendar.example.com/stay.ics" });
  const internal = await gql(
    ADD,
    { id: listing.id, input: { name: "x", url: "http://169.254.169.254/latest" } },
    host.token,
  );
  t.deepEqual(codesOf(internal), ["validation_failed"]);
  t.deepEqual(
    codesOf(await gql(ADD, { id: listing.id, input: { name: "x", url: "https://example.com/a.ics" } }, stranger.token)),
    ["forbidden"],
  );
  const feedId = added.data.addCalendarFeed.id;
  const synced = await gql(
    `mutation($id: ID!, $feedId: ID!) { syncCalendarFeed(listingId: $id, feedId: $feedId) { id nextSyncAt } }`,
    { id: listing.id, feedId },
    host.token,
  );
  t.deepEqual(synced.errors, []);
  t.is(synced.data.syncCalendarFeed.id, feedId);

  const rotated = await gql(
    `mutation($id: ID!) { rotateCalendarExportToken(listingId: $id) }`,
    { id: listing.id },
    host.token,
  );
  t.deepEqual(rotated.errors, []);
  t.not(rotated.data.rotateCalendarExportToken, exportUrl);
  t.is((await fetch(`${app().url}${new URL(exportUrl).pathname}`)).status, 404, "the old export URL is gone at once");
  t.is((await fetch(`${app().url}${new URL(rotated.data.rotateCalendarExportToken).pathname}`)).status, 200);

  const REMOVE = `mutation($id: ID!, $feedId: ID!) { removeCalendarFeed(listingId: $id, feedId: $feedId) }`;
  t.deepEqual((await gql(REMOVE, { id: listing.id, feedId }, host.token)).data, { removeCalendarFeed: true });
  t.deepEqual(codesOf(await gql(REMOVE, { id: listing.id, feedId }, host.token)), ["not_found"]);
  t.deepEqual((await gql(CALENDAR, { id: listing.id }, host.token)).data.listing.calendar.feeds, []);
});
