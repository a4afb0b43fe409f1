// openapi-typescript, through its programmatic API, with the TypeScript 5 compiler API it is built on.
// It lives in this workspace package because the project compiles with TypeScript 7 (the native
// compiler, which has no JavaScript API): npm installs openapi-typescript here next to its own
// TypeScript 5 peer instead of refusing the conflict with the root's TypeScript 7.
import openapiTS, { astToString } from "openapi-typescript";

const BANNER = `/**
 * Generated from GET /api/v1/openapi.json by \`npm run openapi:types\` (openapi-typescript): do not edit.
 * test/openapi.test.ts fails when this file no longer matches the document the server serves.
 */

`;

/** The TypeScript declarations (paths, components, operations) of an OpenAPI 3.1 document object. */
export async function generateTypes(document) {
  // A copy: openapi-typescript annotates the object it is given.
  const ast = await openapiTS(structuredClone(document), { alphabetize: false, rootTypes: false });
  return BANNER + astToString(ast);
}
