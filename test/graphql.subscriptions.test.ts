import "./helpers/env.js";
import test from "ava";
import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";
import { initOrm, type Orm } from "../shared/db/orm.js";
import { type RunningApp, startApp } from "./helpers/app.js";
import { eventually } from "./helpers/eventually.js";
import { closeFactories, createGuest, createHost, createListing, day, db } from "./helpers/factories.js";
import { graphqlClient } from "./helpers/graphql.js";
import { emitEvents } from "./helpers/sockets.js";
import { useApp } from "./helpers/useApp.js";

const { app } = useApp();
const gql = graphqlClient(() => app().url);
let orm: Orm;
test.serial.before(async () => {
  orm = await initOrm();
});
test.after.always(async () => {
  await orm?.close();
});

interface Received {
  events: { id: string; type: string; booking: { id: string } | null }[];
  errors: unknown[];
  client: Client;
  done: Promise<void>;
  dispose(): void;
}

function wsUrl(base: string) {
  return `${base.replace(/^http/, "ws")}/graphql`;
}

/** A real graphql-ws client subscribed to myEvents(after), collecting what it gets. */
function subscribeMyEvents(base: string, token: string, after: number | null): Received {
  const client = createClient({
    url: wsUrl(base),
    webSocketImpl: WebSocket,
    connectionParams: { token },
    retryAttempts: 0,
  });
  const received: Received = { events: [], errors: [], client, done: Promise.resolve(), dispose: () => {} };
  received.done = new Promise<void>((resolve) => {
    received.dispose = client.subscribe(
      {
        query: "subscription($after: ID) { myEvents(after: $after) { id type booking { id } } }",
        variables: { after: after === null ? null : String(after) },
      },
      {
        next: (value) => {
          if (value.errors) received.errors.push(...value.errors);
          const event = (value.data as { myEvents?: Received["events"][number] } | undefined)?.myEvents;
          if (event) received.events.push(event);
        },
        error: (err) => {
          received.errors.push(err);
          resolve();
        },
        complete: () => resolve(),
      },
    );
  });
  return received;
}

async function userEventIds(userId: string, after: number): Promise<number[]> {
  const { rows } = await db().query(
    "select id from public_events where user_ids @> array[$1]::uuid[] and id > $2 order by id",
    [userId, after],
  );
  return rows.map((r: { id: string }) => Number(r.id));
}

const book = (token: string, listingId: string, from: number) =>
  gql(
    "mutation($input: CreateBookingInput!) { createBooking(input: $input) { id } }",
    { input: { listingId, checkIn: day(from), checkOut: day(from + 1), guests: 1 } },
    token,
  );

test.serial(
  "a host's myEvents gets booking.created live; resumed after a disconnect it gets exactly what it missed",
  async (t) => {
    const host = await createHost();
    const listing = await createListing(host);
    const first = subscribeMyEvents(app().url, host.token, null);
    let attempts = 0;
    // Subscribed once the server listens: an event emitted now reaches it live.
    await eventually(async () => {
      const guest = await createGuest();
      await book(guest.token, listing.id, 40 + 2 * attempts++);
      return first.events.length > 0;
    }, "the first booking.created to arrive live");
    t.is(first.events[0].type, "booking.created");
    const seen = Number(first.events[first.events.length - 1].id);
    first.dispose();
    await first.client.dispose();

    // While away: three more bookings on the host's listing.
    for (const from of [50, 52, 54]) {
      const guest = await createGuest();
      t.deepEqual((await book(guest.token, listing.id, from)).errors, []);
    }
    const missed = await eventually(async () => {
      const ids = await userEventIds(host.id, seen);
      return ids.length >= 3 ? ids : null;
    }, "the missed events to be committed");

    const resumed = subscribeMyEvents(app().url, host.token, seen);
    await eventually(() => resumed.events.length >= missed.length, "the replay");
    t.deepEqual(
      resumed.events.map((e) => Number(e.id)),
      missed,
      "exactly the missed events, in order",
    );
    // Then live, after the replay, with no duplicate at the seam.
    const guest = await createGuest();
    t.deepEqual((await book(guest.token, listing.id, 60)).errors, []);
    await eventually(() => resumed.events.length > missed.length, "the live event after the replay");
    const all = await userEventIds(host.id, seen);
    await eventually(() => resumed.events.length === all.length, "every event");
    t.deepEqual(
      resumed.events.map((e) => Number(e.id)),
      all,
    );
    t.deepEqual(resumed.errors, []);
    resumed.dispose();
    await resumed.client.dispose();
  },
);

test.serial("resuming while events keep coming: replay then live, no gap and no duplicate at the seam", async (t) => {
  const user = await createGuest();
  const data = (n: number) => ({ listingId: "00000000-0000-4000-8000-000000000000", blocked: [], n });
  const emit = (n: number) => emitEvents(orm, [{ type: "listing.availability", userIds: [user.id], data: data(n) }]);
  for (let i = 0; i < 40; i += 10) await Promise.all(Array.from({ length: 10 }, (_, j) => emit(i + j)));
  const from = (await userEventIds(user.id, 0))[5];
  const sub = subscribeMyEvents(app().url, user.token, from);
  // Events keep committing while the replay reads.
  await Promise.all(Array.from({ length: 30 }, (_, j) => emit(100 + j)));
  const expected = await userEventIds(user.id, from);
  await eventually(() => sub.events.length >= expected.length, "every event after the resume point");
  const ids = sub.events.map((e) => Number(e.id));
  t.deepEqual(ids, expected, "each event once, in id order");
  sub.dispose();
  await sub.client.dispose();
});

test.serial("across web instances: a subscription on one instance gets events committed through another", async (t) => {
  const other: RunningApp = await startApp();
  try {
    const host = await createHost();
    const listing = await createListing(host);
    const sub = subscribeMyEvents(other.url, host.token, 0);
    const guest = await createGuest();
    t.deepEqual((await book(guest.token, listing.id, 70)).errors, []); // through the first instance
    await eventually(() => sub.events.some((e) => e.type === "booking.created"), "the event on the other instance");
    sub.dispose();
    await sub.client.dispose();
  } finally {
    await other.close();
  }
});

test.serial(
  "subscription auth: a bad token is refused; myEvents needs a user; listingAvailability is public",
  async (t) => {
    const bad = subscribeMyEvents(app().url, "not-a-token", null);
    await bad.done;
    t.true(bad.errors.length > 0);
    await bad.client.dispose();

    const host = await createHost();
    const listing = await createListing(host);
    const anonymous = createClient({ url: wsUrl(app().url), webSocketImpl: WebSocket, retryAttempts: 0 });
    const refused = await new Promise<unknown[]>((resolve) => {
      const errors: unknown[] = [];
      anonymous.subscribe(
        { query: "subscription { myEvents { id } }" },
        {
          next: (v) => v.errors && errors.push(...v.errors),
          error: (e) => resolve([...errors, ...(Array.isArray(e) ? e : [e])]),
          complete: () => resolve(errors),
        },
      );
    });
    t.is((refused[0] as { extensions?: { code?: string } })?.extensions?.code, "unauthenticated");

    const availability: unknown[] = [];
    anonymous.subscribe(
      {
        query:
          "subscription($id: ID!) { listingAvailability(listingId: $id) { listingId blocked { checkIn checkOut } } }",
        variables: { id: listing.id },
      },
      { next: (v) => availability.push(v.data), error: () => {}, complete: () => {} },
    );
    await eventually(async () => {
      const guest = await createGuest();
      await book(guest.token, listing.id, 80 + availability.length);
      return availability.length > 0;
    }, "a listing.availability event");
    t.is((availability[0] as { listingAvailability: { listingId: string } }).listingAvailability.listingId, listing.id);

    const mutationOverWs = await new Promise<unknown[]>((resolve) => {
      const errors: unknown[] = [];
      anonymous.subscribe(
        { query: "{ listings { edges { node { id } } } }" },
        {
          next: (v) => v.errors && errors.push(...v.errors),
          error: (e) => resolve([...errors, ...(Array.isArray(e) ? e : [e])]),
          complete: () => resolve(errors),
        },
      );
    });
    t.is((mutationOverWs[0] as { extensions?: { code?: string } })?.extensions?.code, "bad_request");
    await anonymous.dispose();
  },
);

test.serial("a revoked token ends its subscription (logout), as it ends a socket", async (t) => {
  const user = await createGuest();
  const sub = subscribeMyEvents(app().url, user.token, null);
  const closed = new Promise<number>((resolve) =>
    sub.client.on("closed", (event) => resolve((event as { code: number }).code)),
  );
  // Live once any of the pings emitted since it was opened arrives (the one just emitted may still be
  // on its way: its commit, not its delivery, is what emitEvents waits for).
  const pings = new Set<number>();
  await eventually(async () => {
    const [id] = await emitEvents(orm, [
      { type: "listing.availability", userIds: [user.id], data: { ping: Math.random() } as never },
    ]);
    pings.add(id);
    return sub.events.some((e) => pings.has(Number(e.id)));
  }, "the subscription to be live");
  const logout = await fetch(`${app().url}/api/v1/auth/logout`, {
    method: "POST",
    headers: { authorization: `Bearer ${user.token}` },
  });
  t.is(logout.status, 204);
  t.is(await closed, 4401);
  await sub.client.dispose();
});

test.after.always(async () => {
  await closeFactories();
});

test("subscriptions over HTTP are refused with 400 bad_request (GET as server-sent events, JSON POST, multipart POST): only graphql-ws serves them", async (t) => {
  const host = await createHost();
  const listing = await createListing(host);
  const query = `subscription { listingAvailability(listingId: "${listing.id}") { __typename } }`;
  const expectRefused = async (res: Response, how: string) => {
    t.is(res.status, 400, how);
    t.regex(res.headers.get("content-type") ?? "", /^application\/json/, how);
    const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
    t.is(body.errors[0].extensions.code, "bad_request", how);
    t.regex(body.errors[0].message, /graphql-ws/, how);
  };
  const sse = { accept: "text/event-stream" };
  await expectRefused(await fetch(`${app().url}/graphql?query=${encodeURIComponent(query)}`, { headers: sse }), "GET");
  await expectRefused(
    await fetch(
      `${app().url}/graphql?query=${encodeURIComponent(`query Q { me { id } } ${query.replace("subscription", "subscription S")}`)}&operationName=S`,
      { headers: sse },
    ),
    "GET, the subscription named among others",
  );
  await expectRefused(
    await fetch(`${app().url}/graphql`, {
      method: "POST",
      headers: { ...sse, "content-type": "application/json" },
      body: JSON.stringify({ query }),
    }),
    "JSON POST",
  );
  const form = new FormData();
  form.set("operations", JSON.stringify({ query, variables: {} }));
  form.set("map", "{}");
  await expectRefused(
    await fetch(`${app().url}/graphql`, {
      method: "POST",
      headers: { ...sse, authorization: `Bearer ${host.token}` },
      body: form,
    }),
    "multipart POST",
  );
  // A query over GET still answers.
  const res = await fetch(
    `${app().url}/graphql?query=${encodeURIComponent(`{ listing(id: "${listing.id}") { id } }`)}`,
  );
  t.is(res.status, 200);
  t.like(await res.json(), { data: { listing: { id: listing.id } } });
});
