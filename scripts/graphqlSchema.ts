import { writeFileSync } from "node:fs";
import { printSchema } from "graphql";
import { schema } from "../server/graphql/schema.js";

/** Prints the GraphQL SDL to schema.graphql (test/graphql.schema.test.ts fails when it is stale). */
export const SDL_FILE = new URL("../schema.graphql", import.meta.url);
export const sdl = () => `${printSchema(schema)}\n`;

if (process.argv[1]?.endsWith("graphqlSchema.ts")) {
  writeFileSync(SDL_FILE, sdl());
  console.log(`wrote ${SDL_FILE.pathname}`);
  process.exit(0);
}
