import fc from "fast-check";
import { signWebhookBody } from "../../shared/payments/chapa/signature.js";
import { CHAPA_WEBHOOK_SECRET } from "./chapa.js";
import { day, PASSWORD } from "./factories.js";
import {
  hostileHeaderValue,
  hostileJsonValue,
  hostileRawBody,
  hostileUrlPart,
  percentEncode,
  prototypeKeys,
} from "./hostileValues.js";
import { type JsonSchema, type Operation, objectSchema } from "./openapiOperations.js";

/**
 * The hostile-input suite's requests: valid for the operation (the right user's token, fixture ids,
 * a body that passes) but for one hostile part, chosen by fast-check.
 */

export const ERROR_CODE = /^[a-z][a-z0-9_]*$/;

export interface Fixtures {
  guest: { id: string; auth: Record<string, string> };
  host: { id: string; auth: Record<string, string> };
  admin: { id: string; auth: Record<string, string> };
  /** For the operations that end sessions (logout, password change): their success revokes its tokens. */
  sessions: { id: string; auth: Record<string, string> };
  listingId: string;
  bookingId: string;
  txRef: string;
}

export type Target =
  | { kind: "param"; name: string; where: "path" | "query" | "header" }
  | { kind: "field"; name: string }
  | { kind: "missing"; name: string }
  | { kind: "extra" }
  | { kind: "raw" }
  | { kind: "encoding" }
  | { kind: "auth" };

export interface Built {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

export interface Case {
  target: Target;
  signed: boolean;
  json: unknown;
  url: string;
  repeat: boolean;
  header: string;
  raw: string;
  auth: "none" | "forged" | "garbage" | "host" | "guest" | "admin";
  encoding: string;
  extraKey: string;
}

/** The arbitrary of one operation's cases and the request each stands for, against these fixtures. */
export function hostileRequests(fx: Fixtures) {
  /** A valid value for a field, from its name and schema: the suite's requests are valid but for one part. */
  function validValue(name: string, schema: JsonSchema): unknown {
    if (schema.enum) return schema.enum[0];
    if (schema.const !== undefined) return schema.const;
    const branch = schema.anyOf?.find((s) => s.type !== "null") ?? schema.oneOf?.[0];
    if (branch) return validValue(name, branch);
    const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
    if (type === "object") return validObject(schema);
    if (type === "array") return [];
    if (type === "boolean") return true;
    if (type === "integer" || type === "number") {
      const byName: Record<string, number> = { pricePerNight: 10_000, maxGuests: 2, guests: 1, rating: 5, upTo: 1 };
      return byName[name] ?? Math.max(schema.minimum ?? 1, 1);
    }
    const byName: Record<string, string> = {
      email: `fuzz-${Math.random().toString(36).slice(2, 10)}@example.test`,
      password: PASSWORD,
      listingId: fx.listingId,
      bookingId: fx.bookingId,
      checkIn: day(60),
      checkOut: day(62),
      from: day(1),
      to: day(90),
      currency: "ETB",
      tx_ref: fx.txRef,
      trx_ref: fx.txRef,
    };
    if (byName[name]) return byName[name];
    if (schema.format === "uuid") return fx.listingId;
    if (schema.format === "date") return day(60);
    return "Fine text";
  }

  function validObject(schema: JsonSchema): Record<string, unknown> {
    const object = objectSchema(schema);
    const out: Record<string, unknown> = {};
    for (const [key, property] of Object.entries(object?.properties ?? {})) out[key] = validValue(key, property);
    return out;
  }

  /** The fixture a path parameter names: the guest's booking, the host's listing, the payment. */
  function pathValue(op: Operation, name: string): string {
    if (name === "txRef") return fx.txRef;
    if (op.path.startsWith("/api/v1/listings/")) return fx.listingId;
    if (op.path.startsWith("/api/v1/admin/jobs/")) return "00000000-0000-4000-8000-000000000000";
    return fx.bookingId;
  }

  /** A logout or password change that passes revokes its caller's tokens: never a fixture user's. */
  function endsSessions(op: Operation): boolean {
    return op.path === "/api/v1/auth/logout" || op.path === "/api/v1/me/password";
  }

  /** The token of the user the operation is for (the listing's host, the booking's guest, an admin). */
  function rightAuth(op: Operation): Record<string, string> {
    if (op.path.startsWith("/api/v1/admin/")) return fx.admin.auth;
    if (endsSessions(op)) return fx.sessions.auth;
    if (op.path.startsWith("/api/v1/listings") && op.method !== "GET") return fx.host.auth;
    return fx.guest.auth;
  }

  function targetsOf(op: Operation): Target[] {
    const targets: Target[] = op.parameters.map((p) => ({ kind: "param" as const, name: p.name, where: p.in }));
    if (op.method !== "GET" && op.method !== "DELETE") {
      for (const name of Object.keys(objectSchema(op.body)?.properties ?? {})) {
        targets.push({ kind: "field", name }, { kind: "field", name }, { kind: "missing", name });
      }
      targets.push({ kind: "extra" }, { kind: "raw" }, { kind: "raw" }, { kind: "encoding" });
    }
    if (op.secured) targets.push({ kind: "auth" });
    // Some operations take nothing: hostile query parameters they do not know, then.
    if (targets.length < 2) targets.push({ kind: "param", name: "limit", where: "query" }, { kind: "extra" });
    return targets;
  }

  /** One request's hostile part; only what the target uses is generated (short counterexamples). */
  const caseOf = (op: Operation): fc.Arbitrary<Case> =>
    fc.record({ target: fc.constantFrom(...targetsOf(op)), signed: fc.boolean() }).chain(({ target, signed }) => {
      const base: Case = {
        target,
        signed,
        json: null,
        url: "",
        repeat: false,
        header: "",
        raw: "",
        auth: "guest",
        encoding: "identity",
        extraKey: "id",
      };
      const withPart = <T extends Partial<Case>>(part: fc.Arbitrary<T>) => part.map((p) => ({ ...base, ...p }));
      switch (target.kind) {
        case "param":
          return target.where === "header"
            ? withPart(fc.record({ header: hostileHeaderValue }))
            : withPart(fc.record({ url: hostileUrlPart, repeat: fc.boolean() }));
        case "field":
          return withPart(fc.record({ json: hostileJsonValue }));
        case "extra":
          return withPart(
            fc.record({
              json: hostileJsonValue,
              extraKey: fc.constantFrom(
                "__proto__",
                "constructor",
                "prototype",
                "role",
                "hostId",
                "status",
                "id",
                "\u0000",
              ),
            }),
          );
        case "raw":
          return withPart(fc.record({ raw: hostileRawBody }));
        case "encoding":
          return withPart(
            fc.record({
              encoding: fc.constantFrom(
                "gzip",
                "deflate",
                "br",
                "xyz",
                "gzip, gzip",
                "identity, gzip",
                // Not encodings: the body goes as is, under a content type that says something odd.
                "type:application/json; charset=utf-16",
                "type:application/json; charset=latin1",
                "type:application/json; charset=bogus",
                "type:application/problem+json",
                "type:text/plain",
                "type:application/x-www-form-urlencoded",
                "type:multipart/form-data; boundary=x",
              ),
            }),
          );
        case "auth":
          return withPart(
            fc.record({
              auth: fc.constantFrom("none", "forged", "garbage", "host", "guest", "admin") as fc.Arbitrary<
                Case["auth"]
              >,
              header: hostileHeaderValue,
            }),
          );
        default:
          return fc.constant(base);
      }
    });

  function build(op: Operation, c: Case): Built {
    const t = c.target;
    let path = op.path;
    const query: string[] = [];
    const headers: Record<string, string> = { ...(op.secured ? rightAuth(op) : {}) };
    for (const p of op.parameters) {
      const hostile = t.kind === "param" && t.name === p.name;
      if (p.in === "path") path = path.replace(`{${p.name}}`, hostile ? c.url : pathValue(op, p.name));
      else if (p.in === "query" && (hostile || p.required)) {
        const value = hostile ? c.url : percentEncode(String(validValue(p.name, p.schema)));
        query.push(`${p.name}=${value}`);
        if (hostile && c.repeat) query.push(`${p.name}=${value}`);
      } else if (p.in === "header" && hostile) headers[p.name] = c.header;
    }
    if (t.kind === "param" && !op.parameters.some((p) => p.name === t.name)) query.push(`${t.name}=${c.url}`);
    if (t.kind === "auth") {
      const tokens: Record<string, Record<string, string>> = {
        none: {},
        forged: { authorization: `Bearer ${fx.guest.auth.authorization.slice(7, -4)}AAAA` },
        garbage: { authorization: `Bearer ${c.header}` },
        host: fx.host.auth,
        guest: fx.guest.auth,
        admin: fx.admin.auth,
      };
      if (endsSessions(op)) for (const user of ["host", "guest", "admin"]) tokens[user] = fx.sessions.auth;
      delete headers.authorization;
      Object.assign(headers, tokens[c.auth]);
    }
    let body: string | Buffer | undefined;
    if (op.method !== "GET" && op.method !== "DELETE") {
      const object: Record<string, unknown> = validObject(op.body ?? {});
      if (t.kind === "field") object[t.name] = c.json;
      if (t.kind === "missing") delete object[t.name];
      if (t.kind === "extra") {
        Object.assign(object, JSON.parse(JSON.stringify(prototypeKeys)));
        Object.defineProperty(object, c.extraKey, { value: c.json, enumerable: true });
      }
      body = t.kind === "raw" ? c.raw : (JSON.stringify(object) ?? "null");
      headers["content-type"] = "application/json";
      if (t.kind === "encoding" && c.encoding.startsWith("type:")) headers["content-type"] = c.encoding.slice(5);
      else if (t.kind === "encoding") {
        headers["content-encoding"] = c.encoding;
        body = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.from(String(body))]);
      }
      if (op.path === "/api/v1/webhooks/chapa" && c.signed) {
        headers["x-chapa-signature"] = signWebhookBody(body, CHAPA_WEBHOOK_SECRET);
      }
    }
    return { method: op.method, url: `${path}${query.length ? `?${query.join("&")}` : ""}`, headers, body };
  }

  return { caseOf, build };
}

export /** API.md's error shape, exactly: {error: {code, message, details: [{path, message}]}} (requestId only on 5xx). */
function errorShapeProblem(text: string, type: string): string | null {
  if (!/application\/json/.test(type)) return `content-type ${type}`;
  let parsed: any;
  try {
    parsed = JSON.parse(text);
  } catch {
    return "not JSON";
  }
  const error = parsed?.error;
  if (!error || Object.keys(parsed).length !== 1) return "no error object";
  if (typeof error.code !== "string" || !ERROR_CODE.test(error.code)) return "bad code";
  if (typeof error.message !== "string" || !error.message) return "bad message";
  if (!Array.isArray(error.details)) return "no details";
  if (!error.details.every((d: any) => typeof d?.path === "string" && typeof d?.message === "string")) {
    return "bad details";
  }
  return null;
}
