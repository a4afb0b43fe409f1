import "./helpers/env.js";
import "./helpers/graphqlTightLimits.js";
import test from "ava";
import { createGuest } from "./helpers/factories.js";
import { codesOf, graphqlClient } from "./helpers/graphql.js";
import { TIGHT_GRAPHQL } from "./helpers/graphqlTightLimits.js";
import { useApp } from "./helpers/useApp.js";

const { app } = useApp();
const gql = graphqlClient(() => app().url);

test("limits: too deep, too costly, too many aliases or operations are refused before anything runs", async (t) => {
  const guest = await createGuest();
  const fine = await gql(`{ bookings { edges { node { listing { host { id } } } } } }`, {}, guest.token);
  t.deepEqual(fine.errors, [], "within the limits it runs");
  const tooDeep = await gql(
    `{ me { id } notifications { edges { node { booking { listing { reviews { edges { node { id } } } } } } } } }`,
    {},
    guest.token,
  );
  t.deepEqual(codesOf(tooDeep), ["query_too_deep"]);
  t.falsy(tooDeep.data?.me, "nothing ran");
  const costly = await gql(
    `{ listings(first: 100) { edges { node { id reviews(first: 100) { pageInfo { hasNextPage } } } } } }`,
  );
  t.deepEqual(codesOf(costly), ["query_too_complex"]);
  const aliases = Array.from({ length: 25 }, (_, i) => `a${i}: listings(first: 1) { edges { node { id } } }`).join(" ");
  t.deepEqual(codesOf(await gql(`{ ${aliases} }`)), ["query_too_complex"]);
  const batch = await fetch(`${app().url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(Array.from({ length: 10 }, () => ({ query: "{ __typename }" }))),
  });
  // The API takes one JSON object per request (jsonBody): a batch (an array) is refused as a whole.
  t.is(batch.status, 400);
  const syntax = await fetch(`${app().url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: "{ listings { " }),
  });
  const body = (await syntax.json()) as { errors: { extensions: { code: string } }[] };
  t.is(body.errors[0].extensions.code, "validation_failed");
});

test("register over GraphQL counts against REST's register-ip limit (one budget, both doors)", async (t) => {
  const register = (n: number) =>
    gql(`mutation($input: RegisterInput!) { register(input: $input) { token } }`, {
      input: { email: `limit-${Date.now()}-${n}@example.test`, password: "a much better password", name: "Lim" },
    });
  const rest = await fetch(`${app().url}/api/v1/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      email: `limit-rest-${Date.now()}@example.test`,
      password: "a much better password",
      name: "Rest",
    }),
  });
  t.is(rest.status, 201);
  const results = [];
  for (let i = 0; i < TIGHT_GRAPHQL.registerPerIp; i++) results.push(await register(i));
  t.deepEqual(results.map(codesOf), [[], ["rate_limited"]]);
  t.true(Number(results[1].errors[0].extensions?.retryAfter) > 0);
});
