import "./helpers/env.js";
import test from "ava";
import { createBooking, createGuest, createHost, createListing, day, PASSWORD } from "./helpers/factories.js";
import { codesOf, graphqlClient } from "./helpers/graphql.js";
import { useApp } from "./helpers/useApp.js";

const { app } = useApp();
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
  const listing = await createListing(host);
  const found = await gql(
    `query($f: ListingFilter) { listings(filter: $f, first: 5) { edges { node { id title firstReview { id } } } pageInfo { hasNextPage endCursor } } }`,
    { f: { city: listing.city, checkIn: day(3), checkOut: day(5) } },
  );
  t.deepEqual(found.errors, []);
  t.true(found.data.listings.edges.some((e: { node: { id: string } }) => e.node.id === listing.id));
});
