import { builder } from "./builder.js";
import "./queries.js";
import "./mutations.js";
import "./subscriptions.js";
import "./upload.js";

/** The whole schema, built once (printed to schema.graphql: test/graphql.schema.test.ts keeps it current). */
export const schema = builder.toSchema({ sortSchema: true });
