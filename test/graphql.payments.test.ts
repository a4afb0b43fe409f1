import "./helpers/env.js";
import "./helpers/chapa.js";

import test from "ava";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { completeCheckout } from "./helpers/chapa.js";
import { eventually } from "./helpers/eventually.js";
import { createAdmin, createGuest, db } from "./helpers/factories.js";
import { codesOf, graphqlClient } from "./helpers/graphql.js";
import { bookingRow, countOf, eventTypesFor, heldBooking, paymentRow, usePaymentsStack } from "./helpers/payments.js";

/**
 * startPayment over GraphQL against the local Chapa sandbox (through the same front as the REST
 * payment tests): the same checkout, row, events and error codes as POST /bookings/{id}/payments.
 */
const { api, stack } = usePaymentsStack();
const gql = graphqlClient(() => stack().app.url);

const START = `mutation($id: ID!, $key: String) {
  startPayment(bookingId: $id, idempotencyKey: $key) { id bookingId txRef status amount currency checkoutUrl }
}`;

const paymentsOf = async (bookingId: string) =>
  (await db().query("select id, status from payments where booking_id = $1 order by created_at", [bookingId])).rows;

/**
 * A user's myEvents (graphql-ws) after their latest event so far (replayed from there, so nothing
 * committed while the subscription is being set up is missed): the types received, in order.
 */
async function watchEvents(user: { id: string; token: string }) {
  const { rows } = await db().query(
    "select coalesce(max(id), 0)::text as id from public_events where user_ids @> array[$1]::uuid[]",
    [user.id],
  );
  const types: string[] = [];
  const client = createClient({
    url: `${stack().app.url.replace(/^http/, "ws")}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { token: user.token },
    retryAttempts: 0,
  });
  const dispose = client.subscribe(
    { query: "subscription($after: ID) { myEvents(after: $after) { type } }", variables: { after: rows[0].id } },
    {
      next: (value) => {
        const event = (value.data as { myEvents?: { type: string } } | undefined)?.myEvents;
        if (event) types.push(event.type);
      },
      error: () => {},
      complete: () => {},
    },
  );
  const close = () => {
    dispose();
    void client.dispose();
  };
  return { types, close };
}

test("startPayment opens a Chapa checkout as REST does; paying it confirms the booking, with its events", async (t) => {
  const booking = await heldBooking(api);
  const watch = await watchEvents(booking.guest);
  t.teardown(watch.close);

  const started = await gql(START, { id: booking.id }, booking.guest.token);
  t.deepEqual(started.errors, []);
  const payment = started.data.startPayment;
  t.like(payment, { bookingId: booking.id, status: "pending", amount: booking.totalPrice, currency: "ETB" });
  t.regex(payment.txRef, /^nx-/);
  t.true(payment.checkoutUrl.startsWith(`${stack().sandboxUrl}/checkout/`), payment.checkoutUrl);
  t.like(await paymentRow(payment.txRef), {
    id: payment.id,
    booking_id: booking.id,
    mode: "test",
    status: "pending",
    amount: booking.totalPrice,
    checkout_url: payment.checkoutUrl,
  });

  // A pending payment is returned again rather than duplicated (REST: 200 with the same payment).
  const again = await gql(START, { id: booking.id }, booking.guest.token);
  t.is(again.data.startPayment.id, payment.id);
  t.is(again.data.startPayment.checkoutUrl, payment.checkoutUrl);
  t.deepEqual(await paymentsOf(booking.id), [{ id: payment.id, status: "pending" }]);

  await completeCheckout(payment.checkoutUrl, "success");
  await eventually(async () => (await bookingRow(booking.id)).status === "confirmed", "the booking to be confirmed");
  t.is((await paymentRow(payment.txRef)).status, "succeeded");
  const events = await eventTypesFor(booking.id);
  t.is(countOf(events, "payment.updated"), 1);
  t.is(countOf(events, "booking.updated"), 1);
  // The guest heard both over GraphQL's own subscription.
  await eventually(
    () => watch.types.includes("payment.updated") && watch.types.includes("booking.updated"),
    "payment.updated and booking.updated on myEvents",
    { explain: () => watch.types },
  );
  const read = await gql(
    "query($id: ID!) { booking(id: $id) { status payments { id status } } }",
    { id: booking.id },
    booking.guest.token,
  );
  t.deepEqual(read.data.booking, { status: "confirmed", payments: [{ id: payment.id, status: "succeeded" }] });

  // A paid booking cannot be paid again: REST's 409 invalid_transition.
  t.deepEqual(codesOf(await gql(START, { id: booking.id }, booking.guest.token)), ["invalid_transition"]);
});

test("startPayment on someone else's booking is not_found for the host, an admin and strangers; nothing is started", async (t) => {
  const booking = await heldBooking(api);
  for (const who of [booking.host, await createAdmin(), await createGuest()]) {
    const res = await gql(START, { id: booking.id }, who.token);
    t.deepEqual(codesOf(res), ["not_found"]);
    t.is(res.data, null);
  }
  t.deepEqual(codesOf(await gql(START, { id: "not-a-uuid" }, booking.guest.token)), ["not_found"]);
  t.deepEqual(codesOf(await gql(START, { id: booking.id })), ["unauthenticated"]);
  t.deepEqual(await paymentsOf(booking.id), []);
});

test("startPayment in the wrong state gets REST's codes: hold_expired, invalid_transition", async (t) => {
  const expired = await heldBooking(api);
  await db().query("update bookings set expires_at = now() - interval '1 second' where id = $1", [expired.id]);
  t.deepEqual(codesOf(await gql(START, { id: expired.id }, expired.guest.token)), ["hold_expired"]);

  const cancelled = await heldBooking(api);
  const cancel = await gql(
    "mutation($id: ID!) { cancelBooking(id: $id) { status } }",
    { id: cancelled.id },
    cancelled.guest.token,
  );
  t.is(cancel.data.cancelBooking.status, "cancelled");
  t.deepEqual(codesOf(await gql(START, { id: cancelled.id }, cancelled.guest.token)), ["invalid_transition"]);
  t.deepEqual(await paymentsOf(expired.id), []);
  t.deepEqual(await paymentsOf(cancelled.id), []);
});

test("startPayment's idempotencyKey is the REST header's key: one door's start is replayed at the other", async (t) => {
  const booking = await heldBooking(api);
  const key = `gql-pay-${booking.id}`;
  const viaRest = await api.post(
    `/api/v1/bookings/${booking.id}/payments`,
    {},
    {
      ...booking.guest.auth,
      "Idempotency-Key": key,
    },
  );
  t.is(viaRest.status, 201);
  const viaGraphql = await gql(START, { id: booking.id, key }, booking.guest.token);
  t.like(viaGraphql.data.startPayment, {
    id: viaRest.body.payment.id,
    txRef: viaRest.body.payment.txRef,
    checkoutUrl: viaRest.body.payment.checkoutUrl,
  });
  // The same key for another booking covers another path: idempotency_conflict, as on REST.
  const other = await heldBooking(api);
  t.deepEqual(codesOf(await gql(START, { id: other.id, key }, other.guest.token)), []);
  t.deepEqual(codesOf(await gql(START, { id: other.id, key }, booking.guest.token)), ["idempotency_conflict"]);
});

// Serial, so it runs first and alone: failing every initialize would hit the other tests' starts too.
test.serial(
  "Chapa down: startPayment is payment_provider_error, the row is failed, and a retry opens a new checkout",
  async (t) => {
    const booking = await heldBooking(api);
    stack().front.failNext("/v1/transaction/initialize", 4, 503);
    t.deepEqual(codesOf(await gql(START, { id: booking.id }, booking.guest.token)), ["payment_provider_error"]);
    t.deepEqual(
      (await paymentsOf(booking.id)).map((p) => p.status),
      ["failed"],
    );
    const retry = await gql(START, { id: booking.id }, booking.guest.token);
    t.deepEqual(retry.errors, []);
    t.true(retry.data.startPayment.checkoutUrl.startsWith(`${stack().sandboxUrl}/checkout/`));
    t.deepEqual(
      (await paymentsOf(booking.id)).map((p) => p.status),
      ["failed", "pending"],
    );
  },
);
