/**
 * The one way the page talks HTTP to Nexus: JSON in and out, the bearer token, and every failure
 * turned into an ApiError carrying the contract's `{code, message, details}` so views can show it.
 */
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

interface CallOptions {
  body?: unknown;
  query?: Query;
  idempotencyKey?: string;
}

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
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(name, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

async function call<T>(method: string, path: string, options: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (options.idempotencyKey) headers["idempotency-key"] = options.idempotencyKey;
  let res: Response;
  try {
    res = await fetch(`/api/v1${withQuery(path, options.query)}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch {
    throw new ApiError(0, "network_error", "Nexus can't be reached right now. Check your connection and try again.");
  }
  const text = await res.text();
  let payload: any = null;
  try {
    payload = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON (a proxy's error page): handled below as an unexpected reply.
  }
  if (res.ok) return payload as T;

  const error = payload?.error;
  if (res.status === 401 && error?.code === "unauthenticated" && token) onUnauthenticated();
  if (res.status === 429) {
    const wait = res.headers.get("retry-after");
    throw new ApiError(
      429,
      "rate_limited",
      `Too many attempts. Try again${wait ? ` in ${wait} seconds` : " shortly"}.`,
    );
  }
  if (error && typeof error.message === "string") {
    throw new ApiError(res.status, String(error.code ?? "error"), error.message, error.details ?? []);
  }
  throw new ApiError(
    res.status,
    "unexpected_response",
    `Nexus answered with an unexpected error (HTTP ${res.status}).`,
  );
}

export const api = {
  get: <T>(path: string, query?: Query) => call<T>("GET", path, { query }),
  post: <T>(path: string, body: unknown = {}, idempotencyKey?: string) =>
    call<T>("POST", path, { body, idempotencyKey }),
};
