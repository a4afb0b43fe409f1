import {
  type DocumentNode,
  type FieldNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  getArgumentValues,
  getNamedType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";

/**
 * Whole answers of search-only queries, kept by the cached search page they were computed from.
 *
 * A query whose only root field is `listings` and whose every selected field is read from the page
 * itself (no host, reviews, availability, quote or blocks: nothing another query would load) is a
 * pure function of three things: its text, its variables, and the bytes of REST's cached page
 * (shared/domain/listings/searchCache.ts), which never outlive a change that could alter them. So its
 * serialized answer is kept beside that page (the process's stash serves the very same Buffer again)
 * and served again for the same text and variables, as long as the search cache serves that page: a
 * booking, a listing change or an expiry that ends the page ends its answers with it. What is not
 * kept: an answer with errors, an answer whose search read did not come from the cache, a query with
 * a named fragment (not looked into: it is run every time).
 */

/** The fields an answer may select, by type: every one reads the cached page and nothing else. */
export const PAGE_FIELDS: Record<string, ReadonlySet<string>> = {
  Query: new Set(["listings"]),
  ListingConnection: new Set(["edges", "pageInfo"]),
  ListingEdge: new Set(["cursor", "node"]),
  PageInfo: new Set(["hasNextPage", "endCursor"]),
  Listing: new Set([
    "id",
    "hostId",
    "title",
    "description",
    "city",
    "country",
    "pricePerNight",
    "currency",
    "maxGuests",
    "status",
    "cancellationPolicy",
    "bookingMode",
    "minNights",
    "maxNights",
    "timeZone",
    "latitude",
    "longitude",
    "ratingAverage",
    "reviewCount",
    "createdAt",
    "updatedAt",
    "pricing",
    "photos",
    "stayTotal",
  ]),
  PricingRules: new Set([
    "weekendPrice",
    "cleaningFee",
    "includedGuests",
    "extraGuestFee",
    "weeklyDiscountPercent",
    "monthlyDiscountPercent",
    "overrides",
  ]),
  PriceOverride: new Set(["from", "to", "pricePerNight", "label"]),
  Photo: new Set(["id", "position", "width", "height", "small", "medium", "large"]),
};

function pageOnly(schema: GraphQLSchema, type: GraphQLObjectType, selections: SelectionSetNode): boolean {
  const allowed = PAGE_FIELDS[type.name];
  if (!allowed) return false;
  for (const selection of selections.selections) {
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      if (selection.typeCondition && selection.typeCondition.name.value !== type.name) return false;
      if (!pageOnly(schema, type, selection.selectionSet)) return false;
      continue;
    }
    if (selection.kind !== Kind.FIELD) return false; // a named fragment: not looked into
    const name = selection.name.value;
    if (name === "__typename") continue;
    if (!allowed.has(name)) return false;
    const child = getNamedType(type.getFields()[name].type);
    if (selection.selectionSet) {
      if (!isObjectType(child) || !pageOnly(schema, child, selection.selectionSet)) return false;
    }
  }
  return true;
}

/** The `listings` field of a query that reads the search page only; null for any other operation. */
export function searchOnlyField(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
): FieldNode | null {
  const queryType = schema.getQueryType();
  if (operation.operation !== "query" || !queryType) return null;
  if (document.definitions.some((d) => d.kind === Kind.FRAGMENT_DEFINITION)) return null;
  const [root, ...others] = operation.selectionSet.selections;
  if (others.length || root?.kind !== Kind.FIELD || root.name.value !== "listings" || root.directives?.length)
    return null;
  return pageOnly(schema, queryType, operation.selectionSet) ? root : null;
}

/** The `listings` arguments of that field with these variables (as the resolver receives them). */
export function searchArguments(
  schema: GraphQLSchema,
  field: FieldNode,
  variables: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const definition = schema.getQueryType()?.getFields().listings;
  if (!definition) throw new Error("the schema has no listings field");
  return getArgumentValues(definition, field, variables ?? {});
}

/**
 * Answers per cached page (its Buffer); a page keeps at most this many (texts × variables). Each is
 * kept as its UTF-8 bytes, sent as they are (a string would be measured and encoded again each time).
 */
const PER_PAGE = 32;
const answers = new WeakMap<Buffer, Map<string, Buffer>>();

export const answerKey = (query: string, operationName: string | null | undefined, variables: unknown) =>
  `${operationName ?? ""}\u0000${JSON.stringify(variables ?? null)}\u0000${query}`;

export function keptAnswer(page: Buffer, key: string): Buffer | undefined {
  return answers.get(page)?.get(key);
}

export function keepAnswer(page: Buffer, key: string, answer: string): void {
  let kept = answers.get(page);
  if (!kept) {
    kept = new Map();
    answers.set(page, kept);
  }
  if (kept.size >= PER_PAGE) kept.delete(kept.keys().next().value as string);
  kept.set(key, Buffer.from(answer, "utf8"));
}

/**
 * The `listings` arguments of search-only queries seen before, by answer key (text, operationName and
 * variables): a repeat finds its page, and its kept answer, before yoga's pipeline is set up for the
 * request at all, and without coercing its variables again (http.ts). Only a query that parsed, passed
 * validation and the document limits (which depend on its text alone) and whose variables coerced is
 * remembered. Bounded: the oldest goes first.
 */
const SEARCH_PLANS = 1000;
const searchPlans = new Map<string, Record<string, unknown>>();

export function knownSearchArguments(key: string): Record<string, unknown> | undefined {
  return searchPlans.get(key);
}

export function rememberSearchArguments(key: string, args: Record<string, unknown>): void {
  if (searchPlans.has(key)) return;
  if (searchPlans.size >= SEARCH_PLANS) searchPlans.delete(searchPlans.keys().next().value as string);
  searchPlans.set(key, args);
}
