/**
 * Imported right after env.js (before anything that loads config) by the GraphQL limits tests: a depth
 * limit the schema's deepest real query exceeds, and a register limit reached in a few requests.
 */
export const TIGHT_GRAPHQL = { depth: 6, registerPerIp: 2 } as const;
process.env.GRAPHQL_MAX_DEPTH = String(TIGHT_GRAPHQL.depth);
process.env.RATE_LIMIT_REGISTER_PER_IP = String(TIGHT_GRAPHQL.registerPerIp);
