/**
 * The one way the page talks HTTP to Nexus: the client generated from the OpenAPI document
 * (openapi-fetch over shared/api/openapi.d.ts, so a path, a query or a body the contract does not have
 * is a type error), the bearer token, and every failure turned into an ApiError carrying the
 * contract's `{code, message, details}` so views can show it.
 */
import createClient from "openapi-fetch";
import type { paths } from "../../shared/api/openapi.js";

export interface ErrorDetail {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export type Query = Record<string, string | number | undefined | null>;

let token: string | null = null;
let onUnauthenticated: () => void = () => {};

export function setToken(value: string | null): void {
  token = value;
}

/** Called when the server no longer accepts our token (expired, or the user is gone). */
export function onSessionRejected(handler: () => void): void {
  onUnauthenticated = handler;
}

export function withQuery(path: string, query: Query = {}): string {
  const search = new URLSearchParams(presentParams(query)).toString();
  return search ? `${path}?${search}` : path;
}

/** The query without its empty entries (an unset filter is left out, not sent as ""). */
function presentParams(query: Query): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params[name] = String(value);
  }
  return params;
}

/** The generated client on this page's origin; every request carries the token we hold. */
export const nexus = createClient<paths>({ baseUrl: globalThis.location?.origin ?? "" });
nexus.use({
  onRequest({ request }) {
    request.headers.set("accept", "application/json");
    if (token) request.headers.set("authorization", `Bearer ${token}`);
    return request;
  },
});

/** An openapi-fetch answer: the parsed body of a 2xx, or the failure as an ApiError. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: Awaited<typeof call>;
  try {
    result = await call;
  } catch {
    throw new ApiError(0, "network_error", "Nexus can't be reached right now. Check your connection and try again.");
  }
  const { data, error, response: res } = result;
  if (res.ok) return data as T;

  const body = (error ?? null) as { error?: { code?: unknown; message?: unknown; details?: ErrorDetail[] } } | null;
  const problem = typeof body === "object" ? body?.error : undefined;
  if (res.status === 401 && problem?.code === "unauthenticated" && token) onUnauthenticated();
  if (res.status === 429) {
    const wait = res.headers.get("retry-after");
    throw new ApiError(
      429,
      "rate_limited",
      `Too many attempts. Try again${wait ? ` in ${wait} seconds` : " shortly"}.`,
    );
  }
  if (problem && typeof problem.message === "string") {
    throw new ApiError(res.status, String(problem.code ?? "error"), problem.message, problem.details ?? []);
  }
  throw new ApiError(
    res.status,
    "unexpected_response",
    `Nexus answered with an unexpected error (HTTP ${res.status}).`,
  );
}

type ApiPath<P> = P extends `/api/v1${infer Rest}` ? Rest : never;
type PathsWith<M extends "get" | "post"> = {
  [P in keyof paths]: paths[P][M] extends { responses: unknown } ? ApiPath<P> : never;
}[keyof paths];
type Operation<M extends "get" | "post", P extends string> = `/api/v1${P}` extends keyof paths
  ? NonNullable<paths[`/api/v1${P}`][M]>
  : never;
type Json<R> = R extends { content: { "application/json": infer B } } ? B : undefined;
type Success<O> = O extends { responses: infer R }
  ? { [S in keyof R]: S extends 200 | 201 | 204 ? Json<R[S]> : never }[keyof R]
  : never;
type QueryOf<O> = O extends { parameters: { query?: infer Q } } ? Q : never;
type BodyOf<O> = O extends { requestBody?: { content: { "application/json": infer B } } } ? B : never;

/** A path built at run time (`/bookings/${id}`): a literal path of the document takes the typed overload. */
type Built<S extends string, Literal> = S & (S extends Literal ? never : unknown);

/** A path of /api/v1 without parameters (typed from the document), or a built one (typed by the caller). */
function get<P extends PathsWith<"get">>(
  path: P,
  query?: QueryOf<Operation<"get", P>>,
): Promise<Success<Operation<"get", P>>>;
function get<T, S extends string = string>(path: Built<S, PathsWith<"get">>, query?: Query): Promise<T>;
function get(path: string, query: Query = {}): Promise<unknown> {
  const request = nexus.GET as (path: string, init: object) => ReturnType<typeof nexus.GET>;
  return unwrap(request(`/api/v1${path}`, { params: { query: presentParams(query) } }));
}

function post<P extends PathsWith<"post">>(
  path: P,
  body?: BodyOf<Operation<"post", P>>,
  idempotencyKey?: string,
): Promise<Success<Operation<"post", P>>>;
function post<T, S extends string = string>(
  path: Built<S, PathsWith<"post">>,
  body?: unknown,
  idempotencyKey?: string,
): Promise<T>;
function post(path: string, body: unknown = {}, idempotencyKey?: string): Promise<unknown> {
  const request = nexus.POST as (path: string, init: object) => ReturnType<typeof nexus.POST>;
  const headers = idempotencyKey ? { "idempotency-key": idempotencyKey } : {};
  return unwrap(request(`/api/v1${path}`, { body, headers }));
}

/** PATCH and DELETE take built paths only (`/listings/${id}`): every such route has an id in it. */
function patch<T>(path: string, body: unknown): Promise<T> {
  const request = nexus.PATCH as (
    path: string,
    init: object,
  ) => Promise<{ data?: T; error?: unknown; response: Response }>;
  return unwrap(request(`/api/v1${path}`, { body }));
}

function del(path: string): Promise<void> {
  const request = nexus.DELETE as (path: string, init: object) => ReturnType<typeof nexus.DELETE>;
  return unwrap(request(`/api/v1${path}`, {})).then(() => undefined);
}

function put<T>(path: string, body: unknown): Promise<T> {
  const request = nexus.PUT as (
    path: string,
    init: object,
  ) => Promise<{ data?: T; error?: unknown; response: Response }>;
  return unwrap(request(`/api/v1${path}`, { body }));
}

/**
 * A multipart/form-data POST (a photo upload): the browser writes the body and its boundary, so
 * this goes through fetch itself, with the same token and the same errors as every other call.
 */
function upload<T>(path: string, form: FormData): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  return unwrap(
    fetch(`/api/v1${path}`, { method: "POST", body: form, headers }).then(async (response) => {
      const json = await response.json().catch(() => null);
      return response.ok ? { data: json as T, response } : { error: json, response };
    }),
  );
}

export const api = { get, post, patch, put, upload, delete: del };
