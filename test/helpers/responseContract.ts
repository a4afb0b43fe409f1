/**
 * Every response a test sees through apiClient (test/helpers/http.ts) is checked against the OpenAPI
 * document, so an undocumented status, header value or field fails the test that met it:
 * - the path and method name an operation, and the status is one of its documented responses;
 * - a documented JSON body matches its schema (ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses);
 * - documented headers that are present match their schemas (Retry-After an integer, …);
 * - a path the document does not know, or a known path with another method, answers in the Error shape.
 * The document is the one GET /api/v1/openapi.json serves, built in this process from the same route
 * descriptions (scripts/openapiDocument.ts), so checking costs no request.
 */
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

// ajv-formats is CommonJS: its default export is the function under ESM's interop.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv2020,
) => Ajv2020;

interface ResponseObject {
  content?: Record<string, { schema?: object }>;
  headers?: Record<string, { schema?: object }>;
}
interface Document {
  paths: Record<string, Record<string, { responses: Record<string, ResponseObject> }>>;
}

export interface SeenResponse {
  method: string;
  /** The request path, query included. */
  path: string;
  status: number;
  headers: Headers;
  /** The text of the body as received. */
  text: string;
}

interface Checker {
  check(response: SeenResponse): string | null;
}

let checker: Promise<Checker> | null = null;

/** Null when the response agrees with the document; otherwise what is wrong, for the test's failure. */
export async function contractProblem(response: SeenResponse): Promise<string | null> {
  checker ??= buildChecker();
  return (await checker).check(response);
}

const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll("~", "~0").replaceAll("/", "~1")).join("/");

async function buildChecker(): Promise<Checker> {
  const { openApiDocument } = await import("../../scripts/openapiDocument.js");
  const doc = structuredClone(openApiDocument()) as unknown as Document;
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema(doc as object, "openapi");
  const compiled = new Map<string, ValidateFunction>();
  const validator = (ref: string) => {
    let fn = compiled.get(ref);
    if (!fn) {
      fn = ajv.getSchema(`openapi#/${ref}`);
      if (!fn) throw new Error(`no schema at ${ref}`);
      compiled.set(ref, fn);
    }
    return fn;
  };
  // Literal paths before templated ones, so /listings/search is not taken for /listings/{id}.
  const templates = Object.keys(doc.paths)
    .map((template) => ({
      template,
      params: (template.match(/\{/g) ?? []).length,
      regex: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{\w+\}/g, "[^/]+")}$`),
    }))
    .sort((a, b) => a.params - b.params);
  const errorRef = "components/schemas/Error";

  const checkJson = (ref: string, text: string, what: string): string | null => {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return `${what}: the body is not JSON: ${text.slice(0, 200)}`;
    }
    const validate = validator(ref);
    if (validate(body)) return null;
    const errors = (validate.errors ?? [])
      .slice(0, 5)
      .map((e) => `${e.instancePath || "(body)"} ${e.message} ${JSON.stringify(e.params)}`)
      .join("; ");
    return `${what}: the body does not match the document: ${errors}\n  body: ${text.slice(0, 500)}`;
  };

  return {
    check({ method, path, status, headers, text }) {
      const pathname = new URL(path, "http://x").pathname;
      const what = `${method} ${path.slice(0, 200)} → ${status}`;
      const isJson = /^application\/json/.test(headers.get("content-type") ?? "");
      const found = templates.find((t) => t.regex.test(pathname));
      const verb = method.toLowerCase();
      const operation = found ? doc.paths[found.template][verb] : undefined;
      if (!found || !operation) {
        // Not an operation: the browser page and its files, /docs, another server (the Chapa sandbox), or
        // an unknown path or method of ours, which answers in the Error shape.
        if (!found && !pathname.startsWith("/api/")) return null;
        if (status >= 400 && isJson) return checkJson(errorRef, text, what);
        if (found && verb !== "head" && verb !== "options") return `${what}: ${found.template} has no ${verb}`;
        return null;
      }
      const key = Object.hasOwn(operation.responses, String(status))
        ? String(status)
        : Object.hasOwn(operation.responses, `${String(status)[0]}XX`)
          ? `${String(status)[0]}XX`
          : Object.hasOwn(operation.responses, "default")
            ? "default"
            : null;
      if (!key) {
        return `${what}: status ${status} is not documented for ${verb} ${found.template} (documented: ${Object.keys(operation.responses).join(", ")})\n  body: ${text.slice(0, 300)}`;
      }
      const response = operation.responses[key];
      const base = pointer("paths", found.template, verb, "responses", key);
      for (const [name, header] of Object.entries(response.headers ?? {})) {
        const value = headers.get(name);
        if (value === null || !header.schema) continue;
        const type = (header.schema as { type?: string }).type;
        const typed =
          type === "integer" || type === "number" ? (/^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value) : value;
        const validate = validator(`${base}/${pointer("headers", name, "schema")}`);
        if (!validate(typed))
          return `${what}: header ${name}: ${JSON.stringify(value)} ${validate.errors?.[0]?.message}`;
      }
      const content = response.content ?? {};
      const mediaTypes = Object.keys(content);
      if (mediaTypes.length === 0) {
        if (text !== "" && !(status >= 300 && status < 400)) {
          return `${what}: the document says no body, the server sent ${text.slice(0, 200)}`;
        }
        return null;
      }
      const contentType = (headers.get("content-type") ?? "").split(";")[0].trim();
      if (!Object.hasOwn(content, contentType)) {
        return `${what}: Content-Type ${contentType || "(none)"} is not documented (documented: ${mediaTypes.join(", ")})`;
      }
      if (contentType !== "application/json" || !content[contentType].schema) return null;
      return checkJson(`${base}/${pointer("content", contentType, "schema")}`, text, what);
    },
  };
}
