import "./helpers/env.js";
import { AsyncLocalStorage } from "node:async_hooks";
import type { RequestListener } from "node:http";
import test from "ava";
import pg from "pg";
import { createBooking, createGuest, createHost, createListing, day, db } from "./helpers/factories.js";
import { graphqlClient } from "./helpers/graphql.js";
import { useApp } from "./helpers/useApp.js";

/*
 * Counts the SQL statements one HTTP request sends, at the pg driver: every statement MikroORM (and
 * anything else) sends goes through pg.Client#query. The app runs in this process (startApp), so each
 * request is run inside an AsyncLocalStorage scope and each query() call made within it is recorded.
 */
const { app } = useApp();
const gql = graphqlClient(() => app().url);
const scope = new AsyncLocalStorage<string[]>();
const COUNT_HEADER = "x-test-count-statements";
let counted: string[][] = [];

test.serial.before("count the statements of marked requests", () => {
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const statements = scope.getStore();
    if (statements) {
      const config = args[0] as string | { text?: string };
      statements.push(typeof config === "string" ? config : (config?.text ?? ""));
    }
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  const server = app().server;
  const [listener] = server.listeners("request") as RequestListener[];
  server.removeAllListeners("request");
  server.on("request", (req, res) => {
    if (!req.headers[COUNT_HEADER]) return listener(req, res);
    const statements: string[] = [];
    counted.push(statements);
    scope.run(statements, () => listener(req, res));
  });
});

/**
 * The queries of one request. Left out: the bearer token's version check (authentication, once per
 * request whatever it asks, cached in Redis) and transaction control (the search reads in one
 * repeatable-read snapshot: BEGIN … COMMIT around its query), which fetch nothing.
 */
async function statementsOf(document: string, variables: Record<string, unknown>, token?: string) {
  counted = [];
  const res = await fetch(`${app().url}/graphql`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      [COUNT_HEADER]: "1",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query: document, variables }),
  });
  const body = (await res.json()) as { data: any; errors?: unknown[] };
  const statements = counted
    .flat()
    .filter((text) => !/select id, token_version from users/.test(text) && !/^\s*(BEGIN|COMMIT|ROLLBACK)\b/i.test(text))
    .map((text) => text.replace(/\s+/g, " ").slice(0, 160));
  return { body, statements };
}

test.serial("a page of 20 bookings with listing, guest and latest payment: at most 4 statements", async (t) => {
  const guest = await createGuest();
  for (let i = 0; i < 20; i++) {
    const host = await createHost();
    const listing = await createListing(host);
    const booking = await createBooking(listing, guest, { checkIn: day(10 + i), checkOut: day(11 + i) });
    for (const status of ["failed", "succeeded"])
      await db().query(
        `insert into payments (booking_id, tx_ref, status, amount, currency, mode)
         values ($1, $2, $3, $4, $5, 'test')`,
        [booking.id, `tx-${booking.id}-${status}`, status, booking.totalPrice, booking.currency],
      );
  }
  const { body, statements } = await statementsOf(
    `{ bookings(first: 20) { edges { node { id listing { id title city } guest { id name } latestPayment { id status } } } } }`,
    {},
    guest.token,
  );
  t.deepEqual(body.errors, undefined);
  const nodes = body.data.bookings.edges.map((e: { node: any }) => e.node);
  t.is(nodes.length, 20);
  t.true(nodes.every((n: any) => n.listing.id && n.guest.id === guest.id && n.latestPayment.status === "succeeded"));
  t.true(statements.length <= 4, `${statements.length} statements:\n${statements.join("\n---\n")}`);
});

test.serial("100 listings with their review counts and first review: at most 3 statements", async (t) => {
  const host = await createHost();
  const city = `Loadertown ${Date.now()}`;
  const guest = await createGuest();
  for (let i = 0; i < 100; i++) {
    const listing = await createListing(host, { city });
    if (i % 3 === 0) {
      const booking = await createBooking(listing, guest, {
        status: "completed",
        checkIn: day(-10),
        checkOut: day(-8),
      });
      await db().query(
        "insert into reviews (booking_id, listing_id, guest_id, rating, comment) values ($1, $2, $3, 4, 'Lovely')",
        [booking.id, listing.id, guest.id],
      );
    }
  }
  const { body, statements } = await statementsOf(
    `query($city: String) { listings(filter: { city: $city }, first: 100) { edges { node { id reviewCount firstReview { id rating } } } } }`,
    { city },
  );
  t.deepEqual(body.errors, undefined);
  const nodes = body.data.listings.edges.map((e: { node: any }) => e.node);
  t.is(nodes.length, 100);
  t.is(nodes.filter((n: any) => n.firstReview).length, 34);
  t.true(statements.length <= 3, `${statements.length} statements:\n${statements.join("\n---\n")}`);
  t.true(statements.length >= 2, "the statements are counted at all (the search and the reviews)");
});

test.serial("the real GraphQL client sees the same page", async (t) => {
  const r = await gql("{ listings(first: 1) { edges { node { id } } } }");
  t.deepEqual(r.errors, []);
});
