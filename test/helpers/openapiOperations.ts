/**
 * The operations of an OpenAPI 3.1 document, flattened for tests that drive every one of them: the
 * path, query and header parameters with their schemas, the JSON body schema with $refs resolved,
 * and whether a bearer token is required.
 */
export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
};

export interface Parameter {
  name: string;
  in: "path" | "query" | "header";
  required: boolean;
  schema: JsonSchema;
}

export interface Operation {
  method: string;
  /** The OpenAPI template, e.g. /api/v1/listings/{id}. */
  path: string;
  parameters: Parameter[];
  body: JsonSchema | null;
  secured: boolean;
}

interface Document {
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

export function operationsOf(doc: Document): Operation[] {
  const resolve = (schema: JsonSchema | undefined, seen = 0): JsonSchema => {
    if (!schema) return {};
    if (schema.$ref && seen < 10) {
      const name = schema.$ref.replace("#/components/schemas/", "");
      return resolve(doc.components?.schemas?.[name], seen + 1);
    }
    const out: JsonSchema = { ...schema };
    if (schema.properties) {
      out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, resolve(v, seen + 1)]));
    }
    for (const key of ["anyOf", "oneOf", "allOf"] as const) {
      if (schema[key]) out[key] = schema[key].map((s) => resolve(s, seen + 1));
    }
    if (schema.items) out.items = resolve(schema.items, seen + 1);
    return out;
  };
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const parameters = ((op.parameters ?? []) as Parameter[]).map((p) => ({
        name: p.name,
        in: p.in,
        required: Boolean(p.required),
        schema: resolve(p.schema),
      }));
      const content = (op.requestBody as { content?: Record<string, { schema?: JsonSchema }> } | undefined)?.content;
      const bodySchema = content?.["application/json"]?.schema;
      operations.push({
        method: method.toUpperCase(),
        path,
        parameters,
        body: bodySchema ? resolve(bodySchema) : null,
        // `{}` among the requirements means credentials are optional (/metrics without METRICS_TOKEN).
        secured:
          Array.isArray(op.security) &&
          op.security.length > 0 &&
          !op.security.some((r: object) => Object.keys(r).length === 0),
      });
    }
  }
  return operations;
}

/** The object schema a body or a property stands for (the first object branch of an anyOf, say). */
export function objectSchema(schema: JsonSchema | null): JsonSchema | null {
  if (!schema) return null;
  if (schema.properties) return schema;
  for (const branch of [...(schema.allOf ?? []), ...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) {
    const found = objectSchema(branch);
    if (found) return found;
  }
  return null;
}
