/**
 * The OpenAPI contract's tooling, on the document GET /api/v1/openapi.json serves:
 *   tsx scripts/openapi.ts dump [file]   write it (default test-output/openapi.json)
 *   tsx scripts/openapi.ts lint          Redocly's recommended rules and Spectral's spectral:oas, offline
 *   tsx scripts/openapi.ts types         regenerate shared/api/openapi.d.ts (openapi-typescript)
 *   tsx scripts/openapi.ts types --check fail when the committed file differs from a fresh one
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { generateTypes } from "@nexus/openapi-types";
import { openApiDocument } from "./openapiDocument.js";

export const TYPES_FILE = "shared/api/openapi.d.ts";
const DUMP_FILE = "test-output/openapi.json";

function dump(file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(openApiDocument(), null, 2)}\n`);
}

/** Both linters on the dumped document; neither goes online (Redocly's telemetry off, rulesets local). */
function lint(): number {
  dump(DUMP_FILE);
  const env = { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" };
  const run = (args: string[]) => spawnSync("npx", ["--no-install", ...args], { stdio: "inherit", env }).status ?? 1;
  const redocly = run(["redocly", "lint", "--config", "redocly.yaml", DUMP_FILE]);
  const spectral = run(["spectral", "lint", "--ruleset", ".spectral.yaml", "--fail-severity", "warn", DUMP_FILE]);
  return redocly || spectral;
}

async function types(check: boolean): Promise<number> {
  const fresh = await generateTypes(openApiDocument());
  if (!check) {
    mkdirSync(dirname(TYPES_FILE), { recursive: true });
    writeFileSync(TYPES_FILE, fresh);
    console.log(`wrote ${TYPES_FILE}`);
    return 0;
  }
  let committed = "";
  try {
    committed = readFileSync(TYPES_FILE, "utf8");
  } catch {}
  if (committed === fresh) return 0;
  console.error(`${TYPES_FILE} is stale: run npm run openapi:types`);
  return 1;
}

const [command, arg] = process.argv.slice(2);
if (command === "dump") dump(arg ?? DUMP_FILE);
else if (command === "lint") process.exitCode = lint();
else if (command === "types") process.exitCode = await types(arg === "--check");
else {
  console.error("usage: tsx scripts/openapi.ts dump [file] | lint | types [--check]");
  process.exitCode = 2;
}
