import createClient, { type Client } from "openapi-fetch";
import type { paths } from "../../shared/api/openapi.js";
import { db } from "./factories.js";
import { contractProblem } from "./responseContract.js";

/**
 * After a write, waits (bounded) until the event relay has taken every committed event from the
 * outbox (shared/events/relay.ts): it gives them their public ids a few milliseconds after the
 * commit, and tests read notifications, replays and the events table right after their requests.
 * Clients hear of events live; the API promises only that a public event never moves.
 */
async function eventsTaken(): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const { rows } = await db().query("select exists(select 1 from event_outbox) as pending");
    if (!rows[0].pending) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export type ApiClient = ReturnType<typeof apiClient>;
/** The client generated from the OpenAPI document (openapi-fetch over shared/api/openapi.d.ts). */
export type TypedClient = Client<paths>;

/** Fails the calling test when a response disagrees with the OpenAPI document (responseContract.ts). */
async function checkContract(method: string, path: string, res: Response, text: string): Promise<void> {
  const problem = await contractProblem({ method, path, status: res.status, headers: res.headers, text });
  if (problem) throw new Error(`response outside the OpenAPI contract: ${problem}`);
}

/**
 * A small JSON client for tests: real HTTP, no shortcuts. The base URL may be read late (useApp).
 * Every response is checked against the OpenAPI document. `typed` is the same server through the
 * generated client: `api.typed.GET("/api/v1/bookings/{id}", { params: { path: { id } }, headers })`.
 */
export function apiClient(base: string | (() => string)) {
  const baseUrl = () => (typeof base === "string" ? base : base());
  async function call<T = any>(
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string>; raw?: string } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | undefined = options.raw;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers["content-type"] ??= "application/json";
    }
    const res = await fetch(`${baseUrl()}${path}`, { method, headers, body, redirect: "manual" });
    const text = await res.text();
    await checkContract(method, path, res, text);
    if (method !== "GET" && res.status < 400) await eventsTaken();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON (a redirect, a page): keep the text
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }
  const typedClients = new Map<string, TypedClient>();
  return {
    call,
    get: <T = any>(path: string, headers?: Record<string, string>) => call<T>("GET", path, { headers }),
    post: <T = any>(path: string, body?: unknown, headers?: Record<string, string>) =>
      call<T>("POST", path, { body: body ?? {}, headers }),
    patch: <T = any>(path: string, body?: unknown, headers?: Record<string, string>) =>
      call<T>("PATCH", path, { body, headers }),
    delete: <T = any>(path: string, headers?: Record<string, string>) => call<T>("DELETE", path, { headers }),
    get typed(): TypedClient {
      const url = baseUrl();
      let client = typedClients.get(url);
      if (!client) {
        client = typedClient(url);
        typedClients.set(url, client);
      }
      return client;
    },
  };
}

/** The generated client on `baseUrl`, its every response checked against the document like apiClient's. */
export function typedClient(baseUrl: string): TypedClient {
  const client = createClient<paths>({ baseUrl, redirect: "manual" });
  client.use({
    async onResponse({ request, response }) {
      const url = new URL(request.url);
      await checkContract(request.method, url.pathname + url.search, response, await response.clone().text());
      return response;
    },
  });
  return client;
}
