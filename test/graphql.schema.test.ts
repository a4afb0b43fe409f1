import "./helpers/env.js";
import { readFileSync } from "node:fs";
import test from "ava";
import { SDL_FILE, sdl } from "../scripts/graphqlSchema.js";

test("schema.graphql is the schema the server serves (run `npm run graphql:schema` after a change)", (t) => {
  t.is(readFileSync(SDL_FILE, "utf8"), sdl());
});

test("the search answer cache's page-only fields (searchAnswers.ts PAGE_FIELDS) are the REST page's, and every other field is known to read more", async (t) => {
  const { schema } = await import("../server/graphql/schema.js");
  const { PAGE_FIELDS } = await import("../server/graphql/searchAnswers.js");
  const { listingViewSchema } = await import("../shared/domain/listings/view.js");
  const { photoViewSchema } = await import("../shared/domain/listings/photoView.js");
  const { pricingRulesSchema, priceOverrideSchema } = await import("../shared/domain/pricing/rules.js");
  // Fields of these types that resolve from more than the cached search page (loaders, queries): a
  // query selecting one is never answered from the answer cache. A new field must go in one list or
  // the other: this test fails until it does.
  const READS_MORE: Record<string, string[]> = {
    Query: ["booking", "bookings", "listing", "me", "notifications"],
    Listing: ["availability", "blocks", "calendar", "firstReview", "host", "quote", "reviews"],
  };
  // The page's JSON, type by type: what each page-only field reads.
  const pageKeys: Record<string, string[]> = {
    Listing: Object.keys(listingViewSchema.shape),
    Photo: [...Object.keys(photoViewSchema.shape).filter((k) => k !== "urls"), "small", "medium", "large"],
    PricingRules: Object.keys(pricingRulesSchema.shape),
    PriceOverride: Object.keys(priceOverrideSchema.shape),
  };
  for (const [typeName, fields] of Object.entries(PAGE_FIELDS)) {
    const type = schema.getType(typeName);
    t.truthy(type && "getFields" in type, `${typeName} is an object type of the schema`);
    if (!type || !("getFields" in type)) continue;
    const inSchema = Object.keys(type.getFields()).sort();
    t.deepEqual(inSchema, [...fields, ...(READS_MORE[typeName] ?? [])].sort(), `${typeName}: every field classified`);
    for (const field of fields) {
      if (pageKeys[typeName]) t.true(pageKeys[typeName].includes(field), `${typeName}.${field} is in the REST page`);
    }
  }
});
