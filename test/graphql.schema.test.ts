import "./helpers/env.js";
import { readFileSync } from "node:fs";
import test from "ava";
import { SDL_FILE, sdl } from "../scripts/graphqlSchema.js";

test("schema.graphql is the schema the server serves (run `npm run graphql:schema` after a change)", (t) => {
  t.is(readFileSync(SDL_FILE, "utf8"), sdl());
});
